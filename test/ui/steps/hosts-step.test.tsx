import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import type {WizardState} from '../../../source/ui/wizard-model.js';
import {drive, fakeServices, okCheck, wizardAt} from '../helpers.js';

afterEach(cleanup);

// On the hosts step with names prefilled and no address typed yet.
const blank = (): WizardState => {
	const state = wizardAt('ssh');
	return {...state, step: 'hosts'};
};

const atHosts = (state: WizardState = blank(), services = fakeServices()) => ({
	services,
	ui: drive(<Wizard services={services} initialState={state} onConfirm={() => {}} onLeave={() => {}} />),
});

describe('hosts step', () => {
	it('prefills the seed names with their roles', async () => {
		const {ui} = atHosts();
		const frame = await ui.waitFor('3/9 Hosts');
		for (const name of ['postgres1', 'postgres3', 'etcd1', 'etcd3', 'haproxy1', 'haproxy2', 'pgbackrestRepo']) expect(frame).toContain(name);
		expect(frame).toMatch(/haproxy1\s+address\s+\[ \] postgres \[ \] etcd \[x\] balancer \[ \] backup/);
	});

	it('shows the message of an invalid address and blocks Next', async () => {
		const {ui, services} = atHosts();
		await ui.waitFor('3/9 Hosts');
		await ui.press('tab');
		await ui.type('192.168.100.300');
		await ui.press('enter');
		const frame = await ui.waitFor('is not an IPv4 address');
		expect(frame).toContain('address is not an IPv4 address; write four numbers 0-255');
		expect(services.calls.checkHost).toEqual([]);
		await ui.press('tab', 'tab', 'tab');
		// Enter on an address field goes down the column; Next is reached from the last row.
		for (let i = 0; i < 30 && !/› Next/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor(frame => frame.includes('3/9 Hosts') && frame.includes('is not an IPv4 address'));
		expect(ui.lastFrame()).not.toContain('4/9');
	});

	it('checks each host when its address is entered and shows the fingerprint to accept', async () => {
		const {ui, services} = atHosts();
		await ui.waitFor('3/9 Hosts');
		await ui.press('tab');
		await ui.type('192.168.100.1');
		await ui.press('enter');
		const fingerprint = okCheck('192.168.100.1').fingerprint!;
		const frame = await ui.waitFor(fingerprint);
		expect(frame).toContain('[ ] accept key');
		expect(frame).toContain('Debian GNU/Linux 12');
		expect(services.calls.checkHost).toEqual(['192.168.100.1']);
		// Focus went down to postgres2's address; up and Tab twice reach postgres1's key.
		await ui.press('up', 'tab', 'tab');
		await ui.press('space');
		await ui.waitFor('[x] key accepted');
	});

	it('shows an unreachable host in red words and keeps Next closed', async () => {
		const {ui} = atHosts(blank(), fakeServices({unreachable: ['192.168.100.1']}));
		await ui.waitFor('3/9 Hosts');
		await ui.press('tab');
		await ui.type('192.168.100.1');
		await ui.press('enter');
		const frame = await ui.waitFor('not reachable over SSH');
		expect(frame).toContain('connect ETIMEDOUT');
		expect(frame).toContain('Check again');
	});

	it('checks every typed address on Next and accepts all keys at once', async () => {
		const state = wizardAt('hosts');
		const unchecked: WizardState = {...state, checks: {}, accepted: {}};
		const {ui, services} = atHosts(unchecked);
		await ui.waitFor('Accept all 9 host key(s) shown');
		expect(services.calls.checkHost).toHaveLength(9);
		for (let i = 0; i < 40 && !/› Accept all/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor(frame => (frame.match(/\[x\] key accepted/g) ?? []).length === 9);
		await ui.press('down', 'enter');
		await ui.waitFor('4/9 Network');
	});

	it('adds a PostgreSQL node with a prefilled name and removes a host with x', async () => {
		const {ui} = atHosts(wizardAt('hosts'));
		await ui.waitFor('3/9 Hosts');
		for (let i = 0; i < 20 && !/› \+ PostgreSQL/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor('postgres4');
		// Focus is on the new host's address.
		await ui.type('192.168.100.10');
		await ui.press('tab');
		await ui.waitFor(okCheck('192.168.100.10').fingerprint!);
		expect(ui.lastFrame()).toMatch(/postgres4\s+192\.168\.100\.10\s+\[x\] postgres/);
		await ui.type('x');
		await ui.waitFor(frame => !frame.includes('postgres4'));
	});

	it('toggles roles with space', async () => {
		const {ui} = atHosts();
		await ui.waitFor('3/9 Hosts');
		await ui.press('tab', 'tab');
		await ui.waitFor('x removes this host');
		await ui.press('right', 'space');
		await ui.waitFor(/postgres1\s+address\s+\[x\] postgres \[x\] etcd/);
	});

	it('keeps the addresses typed after going back and forth', async () => {
		const {ui} = atHosts();
		await ui.waitFor('3/9 Hosts');
		await ui.press('tab');
		await ui.type('192.168.100.1');
		await ui.press('enter');
		await ui.type('192.168.100.2');
		await ui.press('escape');
		await ui.waitFor('2/9 SSH access');
		for (let i = 0; i < 10 && !/› Next/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		const frame = await ui.waitFor('3/9 Hosts');
		expect(frame).toMatch(/postgres1\s+192\.168\.100\.1 /);
		expect(frame).toMatch(/postgres2\s+192\.168\.100\.2 /);
	});
});

import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import {drive, fakeServices, wizardAt} from '../helpers.js';

afterEach(cleanup);

const atNetwork = () => {
	const state = wizardAt('network');
	return drive(<Wizard services={fakeServices()} initialState={{...state, network: {...state.network, vip: ''}}} onConfirm={() => {}} onLeave={() => {}} />);
};

const toNext = async (ui: ReturnType<typeof atNetwork>) => {
	for (let i = 0; i < 10 && !/› Next/.test(ui.lastFrame()!); i++) await ui.press('down');
	await ui.press('enter');
};

describe('network step', () => {
	it('defaults the prefix to 24 and the VRRP router id to 51, and offers the interfaces the checks found', async () => {
		const ui = atNetwork();
		const frame = await ui.waitFor('4/9 Network');
		expect(frame).toMatch(/Prefix length\s+24/);
		expect(frame).toMatch(/VRRP router id\s+51/);
		expect(frame).toContain('found on the balancers: eth0');
		expect(frame).toContain('192.168.100.0/24');
		await ui.press('down', 'down', 'right');
		await ui.waitFor('‹ eth0 ›');
	});

	it('shows why an invalid VIP is refused and blocks Next', async () => {
		const ui = atNetwork();
		await ui.waitFor('4/9 Network');
		await ui.type('192.168.100');
		await toNext(ui);
		const frame = await ui.waitFor('is not an IPv4 address');
		expect(frame).toContain('4/9 Network');
	});

	it('applies the cross-field rules: the VIP must be in the balancers subnet and free', async () => {
		const ui = atNetwork();
		await ui.waitFor('4/9 Network');
		await ui.type('10.1.1.1');
		await ui.press('down');
		await ui.waitFor('is not in the subnet of balancer haproxy1');
		await ui.press('up', 'backspace', 'backspace', 'backspace', 'backspace', 'backspace', 'backspace', 'backspace', 'backspace');
		await ui.type('192.168.100.5');
		await ui.press('down');
		await ui.waitFor('is the address of hosts[6]');
	});

	it('refuses a VRRP router id outside 1-255', async () => {
		const ui = atNetwork();
		await ui.waitFor('4/9 Network');
		await ui.type('192.168.100.56');
		await ui.press('down', 'down', 'down', 'backspace', 'backspace');
		await ui.type('300');
		await ui.press('down');
		await ui.waitFor('must be from 1 to 255');
	});

	it('moves on with a valid VIP, and keeps it when coming back', async () => {
		const ui = atNetwork();
		await ui.waitFor('4/9 Network');
		await ui.type('192.168.100.56');
		await toNext(ui);
		await ui.waitFor('5/9 Packages');
		await ui.press('escape');
		expect(await ui.waitFor('4/9 Network')).toContain('192.168.100.56');
	});
});

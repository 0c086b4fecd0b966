import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {validateAnswers} from '../../../source/answers/load.js';
import type {InstallRequest} from '../../../source/app/services.js';
import {Wizard} from '../../../source/ui/wizard.js';
import type {WizardState} from '../../../source/ui/wizard-model.js';
import {reduceWizard} from '../../../source/ui/wizard-state.js';
import {sshSignature} from '../../../source/ui/host-checks.js';
import {topologyHosts} from '../../../source/lab/topology.js';
import {drive, fakeServices, okCheck, plain, wizardAt} from '../helpers.js';

afterEach(cleanup);

describe('review step', () => {
	it('draws the topology from clients down to etcd and the backup repository', async () => {
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('review')} onConfirm={() => {}} onLeave={() => {}} />);
		const frame = await ui.waitFor('9/9 Review');
		const order = ['clients', '192.168.100.56', ':5000 read-write', ':5001 read-only', 'haproxy1', 'PgBouncer :6432', 'postgres1', '3 member(s) tolerate 1 failure(s)', 'etcd1', 'pgbackrestRepo 192.168.100.9'];
		let at = -1;
		for (const text of order) {
			const found = frame.indexOf(text, at + 1);
			expect(found, text).toBeGreaterThan(at);
			at = found;
		}
		expect(frame).toMatch(/haproxy2\s+192\.168\.100\.6\s+balancer/);
		expect(frame).toContain('full 0 1 * * 0, differential 0 1 * * 1-6, keep 3 full');
		expect(frame).toContain('› Install');
	});

	it('says the cluster is closed by TLS and where its CA is kept', async () => {
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('review')} onConfirm={() => {}} onLeave={() => {}} />);
		const frame = await ui.waitFor('9/9 Review');
		const words = frame.replace(/\s+/g, ' ');
		expect(words).toMatch(/Security closed by TLS on every port; the cluster CA is made at install, kept in clusters\/produccion\.keys\/ca\.crt in pgha's home \(clients use it\)/);
	});

	it('shows the warnings of the answer-file rules', async () => {
		let state: WizardState = reduceWizard(wizardAt('cluster'), {type: 'set-layout', layout: 'compact'});
		state = {...state, step: 'review', network: {...state.network, vip: '10.20.0.100'}, ssh: {...state.ssh, identityFile: '~/.ssh/id_ed25519'}};
		for (const [i, host] of state.hosts.entries()) {
			const ip = `10.20.0.${11 + i}`;
			const ssh = sshSignature(state.ssh);
			state = [
				{type: 'set-host', id: host.id, field: 'ip', value: ip},
				{type: 'check-started', id: host.id, ip, ssh},
				{type: 'check-finished', id: host.id, ip, ssh, result: okCheck(ip)},
				{type: 'accept-key', id: host.id, accept: true},
			].reduce((s, a) => reduceWizard(s, a as never), state);
		}
		const ui = drive(<Wizard services={fakeServices()} initialState={state} onConfirm={() => {}} onLeave={() => {}} />);
		const frame = await ui.waitFor('9/9 Review');
		expect(frame).toContain('etcd shares 3 host(s) with PostgreSQL');
		expect(frame).toMatch(/node1\s+10\.20\.0\.11\s+postgres, etcd, balancer/);
	});

	it("draws the large lab's fifteen hosts, every one with its address, within the terminal's 100 columns", async () => {
		const base = wizardAt('review');
		const hosts = topologyHosts('large');
		let state: WizardState = {...base, hosts: hosts.map((host, i) => ({id: 100 + i, ...host})), nextHostId: 100 + hosts.length, checks: {}, accepted: {}, network: {...base.network, vip: '10.131.0.56'}};
		for (const host of state.hosts) {
			const ssh = sshSignature(state.ssh);
			state = [
				{type: 'check-started', id: host.id, ip: host.ip, ssh},
				{type: 'check-finished', id: host.id, ip: host.ip, ssh, result: okCheck(host.ip)},
				{type: 'accept-key', id: host.id, accept: true},
			].reduce((s, a) => reduceWizard(s, a as never), state);
		}
		const ui = drive(<Wizard services={fakeServices()} initialState={state} onConfirm={() => {}} onLeave={() => {}} />);
		const frame = plain(await ui.waitFor('9/9 Review'));
		const lines = frame.split('\n');
		for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
		const drawing = frame.slice(0, frame.indexOf('Hosts and their roles'));
		const listing = frame.slice(frame.indexOf('Hosts and their roles'));
		for (const host of hosts) {
			// In the drawing on its tier, and in the list with its role; neither cut nor wrapped.
			expect(drawing, host.name).toMatch(new RegExp(`■ ${host.name} ${host.ip.replace(/\./g, '\\.')}(\\s|$)`, 'm'));
			expect(listing, host.name).toMatch(new RegExp(`${host.name}\\s+${host.ip.replace(/\./g, '\\.')}\\s+${host.roles[0]}`));
		}
		expect(drawing).toContain('5 member(s) tolerate 2 failure(s)');
		// A tier is its labelled line and the wrapped lines of hosts under it.
		const tier = (label: string) => {
			const rows = drawing.split('\n');
			const start = rows.findIndex(row => row.startsWith(`${label} `));
			const wrapped = rows.slice(start + 1);
			const end = wrapped.findIndex(row => !/^ +■/.test(row));
			return [rows[start], ...wrapped.slice(0, end)].join('\n');
		};
		expect(tier('postgres').match(/■ postgres\d/g)).toHaveLength(7);
		expect(tier('etcd').match(/■ etcd\d/g)).toHaveLength(5);
		expect(frame).not.toMatch(/problem|no host has this role/i);
		expect(frame).toContain('› Install');
	});

	it('confirms with Install, handing over the answers it validated and the input they came from', async () => {
		let confirmed: InstallRequest | undefined;
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('review')} onConfirm={request => (confirmed = request)} onLeave={() => {}} />);
		await ui.waitFor('9/9 Review');
		await ui.press('enter');
		await ui.waitFor(() => confirmed !== undefined);
		const again = validateAnswers(confirmed!.input, {});
		expect(again.ok && again.answers).toEqual(confirmed!.answers);
		expect(confirmed!.answers.cluster.name).toBe('produccion');
	});

	it('refuses Install while the answers do not validate as they stand', async () => {
		let confirmed: InstallRequest | undefined;
		const state = wizardAt('review');
		// A ${...} reference passes the earlier steps but names a variable the wizard never looks up.
		const unresolved = {...state, ssh: {...state.ssh, identityFile: '${KEY_FILE}'}};
		const ui = drive(<Wizard services={fakeServices()} initialState={unresolved} onConfirm={request => (confirmed = request)} onLeave={() => {}} />);
		await ui.waitFor('9/9 Review');
		await ui.press('enter');
		await ui.waitFor('ssh.identityFile');
		expect(confirmed).toBeUndefined();
	});

	it('goes back to the failover step', async () => {
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('review')} onConfirm={() => {}} onLeave={() => {}} />);
		await ui.waitFor('9/9 Review');
		await ui.press('right', 'enter');
		await ui.waitFor('8/9 Failover');
	});
});

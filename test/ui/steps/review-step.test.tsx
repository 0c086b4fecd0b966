import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {validateAnswers} from '../../../source/answers/load.js';
import type {InstallRequest} from '../../../source/app/services.js';
import {Wizard} from '../../../source/ui/wizard.js';
import type {WizardState} from '../../../source/ui/wizard-model.js';
import {reduceWizard} from '../../../source/ui/wizard-state.js';
import {sshSignature} from '../../../source/ui/host-checks.js';
import {drive, fakeServices, okCheck, wizardAt} from '../helpers.js';

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

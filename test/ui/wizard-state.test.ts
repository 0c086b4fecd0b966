import {describe, expect, it} from 'vitest';
import {validateAnswers} from '../../source/answers/load.js';
import {sshSignature} from '../../source/ui/host-checks.js';
import {toAnswersInput} from '../../source/ui/wizard-answers.js';
import type {WizardState} from '../../source/ui/wizard-model.js';
import {createWizardState, reduceWizard, type WizardAction} from '../../source/ui/wizard-state.js';
import {fakeServices, okCheck, wizardAt} from './helpers.js';

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(reduceWizard, state);
const fresh = () => createWizardState(fakeServices().generatePassword);

describe('reduceWizard', () => {
	it('starts on the cluster step with the seed layout and generated passwords', () => {
		const state = fresh();
		expect(state.step).toBe('cluster');
		expect(state.hosts.map(h => h.name)).toEqual(['postgres1', 'postgres2', 'postgres3', 'etcd1', 'etcd2', 'etcd3', 'haproxy1', 'haproxy2', 'pgbackrestRepo']);
		expect(state.hosts.find(h => h.name === 'pgbackrestRepo')!.roles).toEqual(['backup']);
		expect(state.passwords.mode).toBe('generate');
		expect(Object.values(state.passwords.generated).every(v => v.length >= 6)).toBe(true);
		expect(state.network.vrrpRouterId).toBe('51');
		expect(state.backup).toMatchObject({full: '0 1 * * 0', differential: '0 1 * * 1-6', retentionFull: '3'});
	});

	it('offers the compact layout with the roles of the example file', () => {
		const state = run(fresh(), {type: 'set-layout', layout: 'compact'});
		expect(state.hosts.map(h => [h.name, h.roles])).toEqual([
			['node1', ['postgres', 'etcd', 'balancer']],
			['node2', ['postgres', 'etcd', 'balancer']],
			['node3', ['postgres', 'etcd', 'backup']],
		]);
		expect(run(state, {type: 'set-layout', layout: 'custom'}).hosts).toEqual([]);
	});

	it('keeps typed addresses when the layout is switched away and back', () => {
		let state = fresh();
		state = run(state, {type: 'set-host', id: state.hosts[0]!.id, field: 'ip', value: '10.0.0.1'});
		state = run(state, {type: 'set-layout', layout: 'compact'}, {type: 'set-layout', layout: 'seed'});
		expect(state.hosts[0]).toMatchObject({name: 'postgres1', ip: '10.0.0.1'});
	});

	it('refuses Next while the step has problems and marks it attempted', () => {
		const state = run(fresh(), {type: 'next'});
		expect(state.step).toBe('cluster');
		expect(state.attempted).toEqual(['cluster']);
		const named = run(state, {type: 'set-cluster', field: 'name', value: 'produccion'}, {type: 'next'});
		expect(named.step).toBe('ssh');
	});

	it('goes back without losing anything typed', () => {
		const atNetwork = wizardAt('network');
		const typed = run(atNetwork, {type: 'set-network', field: 'vip', value: '192.168.100.56'});
		const back = run(typed, {type: 'back'}, {type: 'back'});
		expect(back.step).toBe('ssh');
		const forward = run(back, {type: 'next'}, {type: 'next'});
		expect(forward.step).toBe('network');
		expect(forward.network.vip).toBe('192.168.100.56');
		expect(forward.hosts.map(h => h.ip)).toEqual(atNetwork.hosts.map(h => h.ip));
		expect(forward.cluster.name).toBe('produccion');
	});

	it('adds hosts named after their role and removes them with their check', () => {
		let state = wizardAt('hosts');
		state = run(state, {type: 'add-host', role: 'postgres'}, {type: 'add-host', role: 'etcd'}, {type: 'add-host', role: 'backup'});
		expect(state.hosts.slice(-3).map(h => [h.name, h.roles])).toEqual([
			['postgres4', ['postgres']],
			['etcd4', ['etcd']],
			['pgbackrestRepo2', ['backup']],
		]);
		const first = state.hosts[0]!;
		state = run(state, {type: 'remove-host', id: first.id});
		expect(state.hosts.some(h => h.id === first.id)).toBe(false);
		expect(state.checks[first.id]).toBeUndefined();
		expect(state.accepted[first.id]).toBeUndefined();
	});

	it('toggles roles on a host', () => {
		let state = fresh();
		const id = state.hosts[0]!.id;
		state = run(state, {type: 'toggle-role', id, role: 'etcd'});
		expect(state.hosts[0]!.roles).toEqual(['postgres', 'etcd']);
		state = run(state, {type: 'toggle-role', id, role: 'postgres'});
		expect(state.hosts[0]!.roles).toEqual(['etcd']);
	});

	it('ignores a check result for an address that has since changed', () => {
		let state = wizardAt('hosts');
		const host = state.hosts[0]!;
		const ssh = sshSignature(state.ssh);
		state = run(state, {type: 'check-started', id: host.id, ip: '192.168.100.99', ssh});
		state = run(state, {type: 'set-host', id: host.id, field: 'ip', value: '192.168.100.98'});
		const after = run(state, {type: 'check-finished', id: host.id, ip: '192.168.100.99', ssh, result: okCheck('192.168.100.99')});
		expect(after).toBe(state);
	});

	it('starts on the Debian mirror and keeps a bundle check only for the path it was run with', () => {
		let state = fresh();
		expect(state.packages).toEqual({source: 'mirror', bundle: ''});
		expect(state.bundleCheck).toBeUndefined();
		state = run(state, {type: 'set-packages', packages: {source: 'bundle', bundle: '/srv/old.tar'}}, {type: 'bundle-check-started', path: '/srv/old.tar'});
		const changed = run(state, {type: 'set-packages', packages: {bundle: '/srv/new.tar'}});
		// The result for the old path arrives after the path changed: nothing comes of it.
		expect(run(changed, {type: 'bundle-check-finished', path: '/srv/old.tar', result: {ok: true, summary: 'old'}})).toBe(changed);
		const done = run(changed, {type: 'bundle-check-started', path: '/srv/new.tar'}, {type: 'bundle-check-finished', path: '/srv/new.tar', result: {ok: true, summary: 'new'}});
		expect(done.bundleCheck).toEqual({path: '/srv/new.tar', status: 'done', result: {ok: true, summary: 'new'}});
	});

	it('accepts a fingerprint only for the check that found it', () => {
		let state = wizardAt('ssh');
		state = run(state, {type: 'next'});
		const host = state.hosts[0]!;
		state = run(state, {type: 'accept-key', id: host.id, accept: true});
		expect(state.accepted[host.id]).toBeUndefined();
		const ssh = sshSignature(state.ssh);
		state = run(
			state,
			{type: 'set-host', id: host.id, field: 'ip', value: '192.168.100.1'},
			{type: 'check-started', id: host.id, ip: '192.168.100.1', ssh},
			{type: 'check-finished', id: host.id, ip: '192.168.100.1', ssh, result: okCheck('192.168.100.1')},
			{type: 'accept-key', id: host.id, accept: true},
		);
		expect(state.accepted[host.id]).toBe(okCheck('192.168.100.1').fingerprint);
	});

	it('switches the backup preset and starts custom from the previous schedule', () => {
		let state = run(fresh(), {type: 'set-backup-preset', preset: 'daily'});
		expect(state.backup).toMatchObject({preset: 'daily', full: '0 1 * * *', differential: ''});
		state = run(state, {type: 'set-backup-preset', preset: 'custom'});
		expect(state.backup).toMatchObject({preset: 'custom', full: '0 1 * * *'});
	});

	it('starts asynchronous at normal speed and writes the ha section only from the failover step on', () => {
		const state = fresh();
		expect(state.ha).toEqual({durability: 'async', writesWithoutReplica: 'wait', rto: 'normal'});
		const backup = wizardAt('backup');
		// The steps before judge the answers so far: the ha section is left to its defaults.
		expect(toAnswersInput(backup, {placeholdersAfter: 'backup'}).ha).toBeUndefined();
		expect(toAnswersInput(backup, {placeholdersAfter: 'failover'}).ha).toEqual({durability: 'async', rto: 'normal'});
		const failover = wizardAt('failover');
		expect(failover.step).toBe('failover');
		expect(toAnswersInput(failover).ha).toEqual({durability: 'async', rto: 'normal'});
	});

	it('changes the ha choices one at a time; what happens without a replica is written only with synchronous commits', () => {
		let state = run(wizardAt('failover'), {type: 'set-ha', ha: {writesWithoutReplica: 'continue'}}, {type: 'set-ha', ha: {rto: 'safe'}});
		expect(state.ha).toEqual({durability: 'async', writesWithoutReplica: 'continue', rto: 'safe'});
		expect(toAnswersInput(state).ha).toEqual({durability: 'async', rto: 'safe'});
		state = run(state, {type: 'set-ha', ha: {durability: 'synchronous'}});
		expect(toAnswersInput(state).ha).toEqual({durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'safe'});
		const result = validateAnswers(toAnswersInput(state), {});
		expect(result.ok && result.answers.ha).toEqual({durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'safe'});
	});

	it('ends at the review with answers the answer-file rules accept, host keys included', () => {
		const state = wizardAt('review');
		expect(state.step).toBe('review');
		const answers = toAnswersInput(state);
		const result = validateAnswers(answers, {});
		expect(result.ok).toBe(true);
		expect(answers.ssh?.hostKeys?.['postgres1']).toBe(okCheck('192.168.100.1').fingerprint);
		expect(answers.ssh?.identityFile).toBe('~/.ssh/id_ed25519');
		expect(answers.network).toEqual({vip: '192.168.100.56', prefix: 24, vrrpRouterId: 51});
		expect(answers.backup).toEqual({full: '0 1 * * 0', differential: '0 1 * * 1-6', retentionFull: 3});
	});

	it('uses typed passwords in type mode and generated ones for blanks', () => {
		let state = wizardAt('passwords');
		state = run(
			state,
			{type: 'set-password-mode', mode: 'type'},
			{type: 'set-secret', key: 'superuser', field: 'value', value: 'Typed-Secret-123'},
			{type: 'set-secret', key: 'superuser', field: 'confirm', value: 'Typed-Secret-123'},
		);
		const answers = toAnswersInput(state);
		expect(answers.passwords.superuser).toBe('Typed-Secret-123');
		expect(answers.passwords.app).toBe(state.passwords.generated.app);
	});
});

import {describe, expect, it} from 'vitest';
import {sshSignature} from '../../source/ui/host-checks.js';
import {belongsTo, judgeStep, stepProblems, visibleProblems} from '../../source/ui/step-problems.js';
import type {WizardState} from '../../source/ui/wizard-model.js';
import {reduceWizard, type WizardAction} from '../../source/ui/wizard-state.js';
import {wizardAt} from './helpers.js';

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(reduceWizard, state);

describe('stepProblems', () => {
	it('reports only the current step, with the answer-file messages and paths', () => {
		const state = wizardAt('cluster');
		const bad = run(state, {type: 'set-cluster', field: 'name', value: 'Bad Name'});
		const problems = stepProblems(bad, 'cluster');
		expect(problems).toHaveLength(1);
		expect(problems[0]!.path).toBe('cluster.name');
		expect(problems[0]!.message).toMatch(/lower-case/);
	});

	it('runs the cross-field rules on the hosts step although later steps are empty', () => {
		let state = wizardAt('hosts');
		const etcd3 = state.hosts.find(h => h.name === 'etcd3')!;
		state = run(state, {type: 'set-host', id: etcd3.id, field: 'ip', value: '192.168.100.1'});
		const problems = stepProblems(state, 'hosts');
		expect(problems.some(p => p.path === 'hosts[5].ip' && p.message.includes('already used by hosts[0]'))).toBe(true);
		expect(problems.every(p => belongsTo(p.path, 'hosts'))).toBe(true);
	});

	it('counts etcd members and balancers by the answer-file rules: 2 etcd members and 0 balancers are refused, 1 balancer is not', () => {
		let state = wizardAt('hosts');
		state = run(state, {type: 'remove-host', id: state.hosts.find(h => h.name === 'etcd3')!.id});
		expect(stepProblems(state, 'hosts').map(p => p.message).join('\n')).toMatch(/^has 2 etcd member\(s\); etcd needs at least 3 /m);
		let balancers = wizardAt('hosts');
		balancers = run(balancers, {type: 'remove-host', id: balancers.hosts.find(h => h.name === 'haproxy2')!.id});
		expect(stepProblems(balancers, 'hosts').filter(p => p.path === 'hosts')).toEqual([]);
		balancers = run(balancers, {type: 'remove-host', id: balancers.hosts.find(h => h.name === 'haproxy1')!.id});
		expect(stepProblems(balancers, 'hosts').filter(p => p.path === 'hosts').map(p => p.message)).toEqual([expect.stringMatching(/^has 0 balancers; /)]);
	});

	it('asks for host checks to finish, pass, and their keys to be accepted', () => {
		let state = wizardAt('hosts');
		const host = state.hosts[0]!;
		state = run(state, {type: 'set-host', id: host.id, field: 'ip', value: '192.168.100.11'});
		expect(stepProblems(state, 'hosts')).toContainEqual({path: 'hosts[0].ip', message: expect.stringMatching(/not been checked/)});
		const ssh = sshSignature(state.ssh);
		state = run(state, {type: 'check-started', id: host.id, ip: '192.168.100.11', ssh});
		expect(stepProblems(state, 'hosts')).toContainEqual({path: 'hosts[0].ip', message: expect.stringMatching(/being checked/)});
		const failed = run(state, {type: 'check-finished', id: host.id, ip: '192.168.100.11', ssh, result: {ok: false, reachable: false, authenticated: false, error: 'connect ETIMEDOUT'}});
		expect(stepProblems(failed, 'hosts')).toContainEqual({path: 'hosts[0].ip', message: expect.stringMatching(/not reachable over SSH: connect ETIMEDOUT/)});
		const unsupported = run(state, {
			type: 'check-finished',
			id: host.id,
			ip: '192.168.100.11',
			ssh,
			result: {ok: false, reachable: true, authenticated: true, supported: false, os: 'Ubuntu 22.04'},
		});
		expect(stepProblems(unsupported, 'hosts')).toContainEqual({path: 'hosts[0].ip', message: expect.stringMatching(/runs Ubuntu 22.04, which pgha does not support/)});
		const passed = run(state, {type: 'check-finished', id: host.id, ip: '192.168.100.11', ssh, result: {ok: true, reachable: true, authenticated: true, fingerprint: 'SHA256:abc'}});
		expect(stepProblems(passed, 'hosts')).toContainEqual({path: 'hosts[0].hostKey', message: expect.stringMatching(/not accepted/)});
		expect(stepProblems(run(passed, {type: 'accept-key', id: host.id, accept: true}), 'hosts')).toEqual([]);
	});

	it('checks the VIP against the balancers subnet', () => {
		const state = run(wizardAt('network'), {type: 'set-network', field: 'vip', value: '10.0.0.56'});
		expect(stepProblems(state, 'network')).toContainEqual({path: 'network.vip', message: expect.stringMatching(/not in the subnet of balancer haproxy1/)});
	});

	it('wants typed passwords strong and confirmed, and never reads ${...} as a variable', () => {
		let state = run(wizardAt('passwords'), {type: 'set-password-mode', mode: 'type'});
		state = run(state, {type: 'set-secret', key: 'app', field: 'value', value: 'short'});
		const problems = stepProblems(state, 'passwords');
		expect(problems).toContainEqual({path: 'passwords.app', message: 'password is 5 characters; use at least 12'});
		expect(problems).toContainEqual({path: 'passwords.app.confirm', message: expect.stringMatching(/differs/)});
		const envLike = run(state, {type: 'set-secret', key: 'app', field: 'value', value: 'Abc-${HOME}-123456'}, {type: 'set-secret', key: 'app', field: 'confirm', value: 'Abc-${HOME}-123456'});
		const messages = stepProblems(envLike, 'passwords').map(p => p.message);
		expect(messages).toContain('contains "${", which answer files read as an environment variable; leave it out');
		expect(messages.join('\n')).not.toMatch(/HOME/);
	});

	it('wants a key file when logging in with a key', () => {
		const state = run(wizardAt('ssh'), {type: 'set-ssh', field: 'identityFile', value: ''});
		expect(stepProblems(state, 'ssh')).toContainEqual({path: 'ssh.identityFile', message: expect.stringMatching(/is missing/)});
	});

	it('shows problems of fields left, or all once Next was refused', () => {
		const state = run(wizardAt('cluster'), {type: 'set-cluster', field: 'name', value: ''});
		const problems = stepProblems(state, 'cluster');
		expect(visibleProblems(state, 'cluster', problems)).toEqual([]);
		expect(visibleProblems(run(state, {type: 'touch', field: 'cluster.name'}), 'cluster', problems)).toHaveLength(1);
		expect(visibleProblems(run(state, {type: 'next'}), 'cluster', problems)).toHaveLength(1);
	});
});

describe('stepProblems: packages', () => {
	const bundle = (path: string) => run(wizardAt('packages'), {type: 'set-packages', packages: {source: 'bundle', bundle: path}});
	const messages = (state: WizardState, step: 'packages' | 'review' = 'packages') => stepProblems(state, step).map(p => `${p.path}: ${p.message}`);

	it('asks for the bundle file once, in the wizard\'s words rather than the answer file\'s', () => {
		expect(messages(wizardAt('packages'))).toEqual([]);
		expect(messages(bundle('  '))).toEqual(['packages.bundle: is missing; type the path of the bundle file on this machine, or choose the Debian mirror']);
	});

	it('holds Next until the path typed is checked and found usable, on the review too', () => {
		const state = bundle('/srv/pgha.tar');
		expect(messages(state)).toEqual(['packages.bundle: has not been checked yet; the check starts as you stop typing']);
		const checking = run(state, {type: 'bundle-check-started', path: '/srv/pgha.tar'});
		expect(messages(checking)).toEqual(['packages.bundle: is being checked; wait for the check to finish']);
		const failed = run(checking, {type: 'bundle-check-finished', path: '/srv/pgha.tar', result: {ok: false, message: 'no file at /srv/pgha.tar'}});
		expect(messages(failed)).toEqual(['packages.bundle: no file at /srv/pgha.tar']);
		expect(messages({...failed, step: 'review'}, 'review')).toContain('packages.bundle: no file at /srv/pgha.tar');
		const found = run(checking, {type: 'bundle-check-finished', path: '/srv/pgha.tar', result: {ok: true, summary: 'bundle file /srv/pgha.tar (1.0 MB)'}});
		expect(messages(found)).toEqual([]);
		// A check answers for the path it was run with only.
		expect(messages(run(found, {type: 'set-packages', packages: {bundle: '/srv/other.tar'}}))).toEqual(['packages.bundle: has not been checked yet; the check starts as you stop typing']);
	});
});

describe('judgeStep', () => {
	it('hands the review its answers validated with defaults applied, next to the input they came from', () => {
		const verdict = judgeStep(wizardAt('review'), 'review');
		expect(verdict.problems).toEqual([]);
		expect(verdict.answers?.cluster.name).toBe('produccion');
		expect(verdict.answers?.database).toEqual({name: 'aplicacion', owner: 'aplicacion'});
		expect(verdict.input.database).toBeUndefined();
	});

	it('gives no answers before the review: later sections are still stand-ins', () => {
		const verdict = judgeStep(wizardAt('network'), 'network');
		expect(verdict.problems).toEqual([]);
		expect(verdict.answers).toBeUndefined();
	});

	it('keeps an unset ${...} reference as a problem on the review, which earlier steps pass over', () => {
		const state = wizardAt('review');
		const unresolved = {...state, ssh: {...state.ssh, identityFile: '${KEY_FILE}'}};
		expect(stepProblems({...unresolved, step: 'ssh'}, 'ssh')).toEqual([]);
		const verdict = judgeStep(unresolved, 'review');
		expect(verdict.answers).toBeUndefined();
		expect(verdict.problems.map(p => p.path)).toContain('ssh.identityFile');
	});
});

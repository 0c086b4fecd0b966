import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';
import type {Answers} from '../../../source/answers/schema.js';
import {unrivalled} from '../../../recipes/keepalived/steps.js';
import {vrrpState} from '../../../recipes/keepalived/probes.js';

const keepalivedStep = (name: string) => /keepalived|VIP/.test(name);

describe('Keepalived steps', () => {
	test('config and service on both balancers, the VIP on one; a re-run changes nothing', async () => {
		const {firstChanged, cluster, answers} = await provesIdempotent('balancers', keepalivedStep);
		for (const host of ['node1', 'node2']) {
			expect(firstChanged).toEqual(expect.arrayContaining([`${host}: file /etc/keepalived/keepalived.conf`, `${host}: service keepalived`]));
			expect(cluster.host(host).unit('keepalived')).toMatchObject({active: true, starts: 1, restarts: 0, reloads: 0});
			expect(cluster.host(host).files.get('/etc/keepalived/keepalived.conf')).toMatchObject({owner: 'root', mode: 0o600});
		}
		expect(cluster.vipHolder()?.vip).toBe(answers.network.vip);
	});
});

describe('unrivalled: the VIP settled as soon as Keepalived says so', () => {
	const answers = {
		hosts: [
			{name: 'lb1', ip: '10.0.0.5', roles: ['balancer']},
			{name: 'lb2', ip: '10.0.0.6', roles: ['balancer']},
			{name: 'db1', ip: '10.0.0.1', roles: ['postgres']},
		],
	} as Pick<Answers, 'hosts'>;

	test("the first balancer, MASTER with its HAProxy check's weight: no other can outrank it", () => {
		expect(unrivalled(answers, 'lb1', {master: true, effectivePriority: 105})).toBe(true);
	});

	test('the first balancer before its check rose: the second may still take the VIP once its own check rises', () => {
		expect(unrivalled(answers, 'lb1', {master: true, effectivePriority: 101})).toBe(false);
	});

	test('the second balancer holds it: the first, once ready, would take it back', () => {
		expect(unrivalled(answers, 'lb2', {master: true, effectivePriority: 104})).toBe(false);
	});

	test('not MASTER, or Keepalived could not say: not settled', () => {
		expect(unrivalled(answers, 'lb1', {master: false, effectivePriority: 105})).toBe(false);
		expect(unrivalled(answers, 'lb1', undefined)).toBe(false);
	});

	test('a sole balancer is unrivalled as soon as it is MASTER', () => {
		const sole = {hosts: answers.hosts.filter(h => h.name !== 'lb2')} as Pick<Answers, 'hosts'>;
		expect(unrivalled(sole, 'lb1', {master: true, effectivePriority: 101})).toBe(true);
	});
});

describe('vrrpState', () => {
	const dump = (stdout: string, code = 0) => async (script: string) => ({code, stdout, stderr: '', script});

	test("reads the state and effective priority from Keepalived's JSON dump, and nothing else", async () => {
		let sent = '';
		const state = await vrrpState(async script => {
			sent = script;
			return {code: 0, stdout: '"effective_priority":105\n"state":2\n', stderr: ''};
		});
		expect(state).toEqual({master: true, effectivePriority: 105});
		// Only those two fields leave the host (the dump holds the VRRP password), and the dump is removed.
		expect(sent).toContain(`grep -o '"state":[0-9]*\\|"effective_priority":[0-9]*'`);
		expect(sent).toMatch(/rm -f "\$f"\s+exit \$code$/);
	});

	test('BACKUP is not master; no Keepalived or no JSON build gives no answer', async () => {
		expect(await vrrpState(dump('"effective_priority":104\n"state":1\n'))).toEqual({master: false, effectivePriority: 104});
		expect(await vrrpState(dump('', 3))).toBeUndefined();
		expect(await vrrpState(dump('"state":2\n'))).toBeUndefined();
	});
});

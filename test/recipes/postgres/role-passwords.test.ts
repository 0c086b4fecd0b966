import {describe, expect, test} from 'vitest';
import type {Answers} from '../../../source/answers/schema.js';
import {placeholderKeys} from '../../../source/keys/cluster-keys.js';
import type {RunContext} from '../../../recipes/kit/step.js';
import {rolePasswordsStep} from '../../../recipes/postgres/steps.js';
import {freshVerifier, parseScramVerifier, scramSha256Verifier, verifierMatches} from '../../../recipes/postgres/scram.js';
import {runPhases, collectEvents} from '../../../source/engine/runner.js';
import type {Phase} from '../../../source/engine/phases.js';
import {example} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {stepContext} from '../converge.js';

/** A running PostgreSQL cluster on the fake hosts: Patroni runs on every node, node1 leads, the roles hold these verifiers. */
function running(answers: Answers, roles: Record<string, string>): {cluster: FakeCluster; context: RunContext} {
	const cluster = FakeCluster.of(answers);
	for (const host of answers.hosts.filter(h => h.roles.includes('postgres')))
		cluster.host(host.name).units.set('patroni', {enabled: true, active: true, starts: 1, restarts: 0, reloads: 0});
	cluster.leader = 'node1';
	for (const [role, verifier] of Object.entries(roles)) cluster.roles.set(role, verifier);
	const context: RunContext = {answers, keys: placeholderKeys(answers), facts: new Map(), identities: new Map(), connections: cluster.connections(), signal: new AbortController().signal};
	return {cluster, context};
}

describe('SCRAM verifiers', () => {
	test('a verifier made with a random salt is recognised from the password alone', () => {
		const verifier = freshVerifier('Some-Password-1');
		expect(verifierMatches(verifier, 'Some-Password-1')).toBe(true);
		expect(verifierMatches(verifier, 'Some-Password-2')).toBe(false);
		expect(freshVerifier('Some-Password-1')).not.toBe(verifier);
	});

	test('the stored iteration count is used again, and what is not a SCRAM verifier never matches', () => {
		const verifier = scramSha256Verifier('Some-Password-1', Buffer.alloc(16, 7), 10_000);
		expect(parseScramVerifier(verifier)).toMatchObject({iterations: 10_000});
		expect(verifierMatches(verifier, 'Some-Password-1')).toBe(true);
		expect(verifierMatches('md5a6343a68d964ca596d9752250d54bb8a', 'Some-Password-1')).toBe(false);
		expect(verifierMatches('', 'Some-Password-1')).toBe(false);
	});
});

describe('the role passwords step', () => {
	const answers = example('compact');
	const right = {postgres: freshVerifier(answers.passwords.superuser), replicator: freshVerifier(answers.passwords.replication)};

	test('passes on the primary when both roles have the answers passwords (salts it never knew)', async () => {
		const {context} = running(answers, right);
		expect(await rolePasswordsStep(answers).check!(stepContext(context, 'node1'))).toBe(true);
	});

	test('a wrong password fails the check and the drift names the role, not the verifier', async () => {
		const {context} = running(answers, {...right, replicator: freshVerifier('Old-Replication-9')});
		const step = rolePasswordsStep(answers);
		const ctx = stepContext(context, 'node1');
		expect(await step.check!(ctx)).toBe(false);
		expect(await step.explain!(ctx)).toEqual(['role replicator does not have the saved password']);
	});

	test('on a replica it has nothing to do', async () => {
		const {context} = running(answers, {postgres: freshVerifier('Old-Super-9'), replicator: freshVerifier('Old-Replication-9')});
		expect(await rolePasswordsStep(answers).check!(stepContext(context, 'node2'))).toBe(true);
	});

	test('apply sets a verifier with a fresh salt on the roles that differ, the check then passes, and no event carries a secret', async () => {
		const old = freshVerifier('Old-Replication-9');
		const {cluster, context} = running(answers, {...right, replicator: old});
		const phase: Phase = {name: 'pgbouncer', summary: '', hosts: ['node1', 'node2', 'node3'], steps: () => [rolePasswordsStep(answers)]};
		const {events, sink} = collectEvents();
		const outcome = await runPhases([phase], context, sink);
		expect(outcome).toMatchObject({ok: true, changed: 1});
		const now = cluster.roles.get('replicator')!;
		expect(now).not.toBe(old);
		expect(verifierMatches(now, answers.passwords.replication)).toBe(true);
		// The superuser already matched: its verifier is the one it had.
		expect(cluster.roles.get('postgres')).toBe(right.postgres);
		const text = JSON.stringify(events);
		for (const secret of [answers.passwords.replication, answers.passwords.superuser, now, right.postgres, 'SCRAM-SHA-256']) expect(text).not.toContain(secret);
		expect(await rolePasswordsStep(answers).check!(stepContext(context, 'node1'))).toBe(true);
	});

	test('a failed ALTER ROLE reports the error without the statement or its verifier', async () => {
		const {context} = running(answers, {postgres: freshVerifier('Old-Super-9')});
		const phase: Phase = {name: 'pgbouncer', summary: '', hosts: ['node1'], steps: () => [rolePasswordsStep(answers)]};
		const {events, sink} = collectEvents();
		expect((await runPhases([phase], context, sink)).ok).toBe(false);
		const failed = events.find(e => e.type === 'step-failed');
		expect(failed).toMatchObject({error: 'setting the role passwords failed: ERROR:  role "replicator" does not exist', output: []});
		expect(JSON.stringify(events)).not.toContain('SCRAM-SHA-256');
	});
});

import {mkdtempSync, readFileSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import YAML from 'yaml';
import {exportCluster, listClusters, loadCluster, readCluster, recordHostKeys, removeCluster, saveCluster} from '../../source/answers/store.js';
import type {AnswersInput} from '../../source/answers/schema.js';

const raw: AnswersInput = {
	version: 1,
	cluster: {name: 'prod', postgresVersion: 15},
	ssh: {user: 'root', port: 22, agent: false, identityFile: '~/.ssh/id_ed25519'},
	hosts: [
		{name: 'n1', ip: '10.1.0.1', roles: ['postgres', 'etcd', 'balancer']},
		{name: 'n2', ip: '10.1.0.2', roles: ['postgres', 'etcd', 'balancer']},
		{name: 'n3', ip: '10.1.0.3', roles: ['postgres', 'etcd', 'backup']},
	],
	network: {vip: '10.1.0.100', prefix: 24, vrrpRouterId: 51},
	passwords: {
		superuser: 'Literal-Superuser-1',
		replication: '${MY_REPL_PASSWORD}',
		app: 'Literal-App-Password-2',
		patroniApi: 'Literal-Api-Password-3',
		vrrp: 'vrrpPw12',
		backupCipher: 'Literal-backup-cipher-passphrase-4',
	},
};

test('secrets are kept apart: the store holds references, a 0600 secrets file holds the values', () => {
	const env = {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-store-')), MY_REPL_PASSWORD: 'From-Env-Repl-5'};
	saveCluster(raw, env);
	expect(listClusters(env)).toEqual(['prod']);
	const dir = join(env.PGHA_HOME, 'clusters');
	for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).mode & 0o777, file).toBe(0o600);
	const stored = readFileSync(join(dir, 'prod.json'), 'utf8');
	for (const secret of ['Literal-Superuser-1', 'Literal-App-Password-2', 'vrrpPw12']) expect(stored).not.toContain(secret);
	expect(stored).toContain('${PGHA_SUPERUSER_PASSWORD}');
	expect(stored).toContain('${MY_REPL_PASSWORD}');

	const loaded = loadCluster('prod', env);
	expect(loaded.ok).toBe(true);
	if (loaded.ok) {
		expect(loaded.answers.passwords.superuser).toBe('Literal-Superuser-1');
		expect(loaded.answers.passwords.replication).toBe('From-Env-Repl-5');
	}
});

test('export has no secrets and names the variables to set; host keys are recorded; remove deletes both files', () => {
	const env = {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-store-'))};
	saveCluster(raw, env);
	recordHostKeys('prod', {n1: 'SHA256:abc'}, env);
	const text = exportCluster('prod', env)!;
	expect(text).not.toContain('Literal-');
	const parsed = YAML.parse(text) as AnswersInput;
	expect(parsed.passwords.app).toBe('${PGHA_APP_PASSWORD}');
	expect(parsed.ssh?.hostKeys).toEqual({n1: 'SHA256:abc'});
	expect(removeCluster('prod', env)).toBe(true);
	expect(listClusters(env)).toEqual([]);
	expect(readdirSync(join(env.PGHA_HOME, 'clusters'))).toEqual([]);
});

/** The answers as they are in the saved file itself. */
const storedAnswers = (env: {PGHA_HOME: string}, name = 'prod') => (JSON.parse(readFileSync(join(env.PGHA_HOME, 'clusters', `${name}.json`), 'utf8')) as {answers: Record<string, unknown>}).answers;

test('the store keeps only what was answered: no patroni or ha block is written in when the answers have none', () => {
	const env = {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-store-')), MY_REPL_PASSWORD: 'From-Env-Repl-5'};
	expect(raw).not.toHaveProperty('patroni');
	expect(raw).not.toHaveProperty('ha');
	saveCluster(raw, env);
	const stored = storedAnswers(env);
	expect(Object.keys(stored).sort()).toEqual(Object.keys(raw).sort());
	expect(stored).not.toHaveProperty('patroni');
	expect(stored).not.toHaveProperty('ha');
	// Recording host keys rewrites the file through the same store: still nothing added.
	recordHostKeys('prod', {n1: 'SHA256:abc'}, env);
	expect(storedAnswers(env)).not.toHaveProperty('patroni');
	expect(storedAnswers(env)).not.toHaveProperty('ha');
	expect(readCluster('prod', env)).not.toHaveProperty('patroni');
	// What it runs with comes from the schema's defaults when loaded: the normal preset.
	const loaded = loadCluster('prod', env);
	expect(loaded.ok ? loaded.answers.ha : loaded.problems).toEqual({durability: 'async', rto: 'normal'});
});

describe('a cluster saved by an earlier version, with every default written in', () => {
	const earlierTiming = {ttl: 30, loopWait: 10, retryTimeout: 10};
	const save = (answers: AnswersInput) => {
		const env = {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-store-'))};
		saveCluster(answers, env);
		// The file holds the values as saved; only reading drops them.
		expect(storedAnswers(env)['patroni']).toEqual(answers.patroni);
		return env;
	};

	test.each([
		['no ha block', {}],
		['ha.rto normal', {ha: {durability: 'async', rto: 'normal'}}],
		['ha without rto', {ha: {durability: 'synchronous'}}],
	] as const)('with %s, reads back without ttl 30 / loopWait 10 / retryTimeout 10, keeping the rest of the patroni block', (_, ha) => {
		const env = save({...raw, ...ha, patroni: {...earlierTiming, maximumLagOnFailover: 1_048_576}} as AnswersInput);
		const read = readCluster('prod', env)!;
		expect(read.patroni).toEqual({maximumLagOnFailover: 1_048_576});
		expect(read.ha).toEqual('ha' in ha ? ha.ha : undefined);
		expect(YAML.parse(exportCluster('prod', env)!).patroni).toEqual({maximumLagOnFailover: 1_048_576});
	});

	test.each([
		['ttl 45', {patroni: {...earlierTiming, ttl: 45}}],
		['loopWait 5', {patroni: {...earlierTiming, loopWait: 5}}],
		['retryTimeout 9', {patroni: {...earlierTiming, retryTimeout: 9}}],
		['only ttl 30', {patroni: {ttl: 30}}],
		['the timing with ha.rto fast', {patroni: earlierTiming, ha: {rto: 'fast'}}],
		['the timing with ha.rto safe', {patroni: earlierTiming, ha: {durability: 'async', rto: 'safe'}}],
	] as const)('keeps a patroni block with %s as it was saved', (_, answers) => {
		const env = save({...raw, ...answers} as AnswersInput);
		expect(readCluster('prod', env)!.patroni).toEqual(answers.patroni);
	});
});

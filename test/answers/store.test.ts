import {mkdtempSync, readFileSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import YAML from 'yaml';
import {exportCluster, listClusters, loadCluster, recordHostKeys, removeCluster, saveCluster} from '../../source/answers/store.js';
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

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {exampleRaw, root, strongEnv} from '../answers/fixtures.js';
import {ensureBuilt, runCli} from './cli.js';

type Raw = Record<string, any>;
type Case = {
	name: string;
	/** The answer file: a change to the seed example, or the text itself. */
	change?: (raw: Raw) => void;
	text?: string;
	env?: (env: Record<string, string>) => void;
	/** What stderr must name. */
	path: string;
};

const host = (name: string, ip: string, roles: string[]) => ({name, ip, roles});
const withoutHosts = (raw: Raw, ...names: string[]) => (raw['hosts'] = raw['hosts'].filter((h: Raw) => !names.includes(h.name)));

// Each case is one small mistake in an otherwise valid answer file.
const cases: Case[] = [
	{name: 'YAML that does not parse', text: 'version: 1\ncluster: {name: x\nhosts: []\n', path: 'line 3'},
	{name: 'a duplicated key', text: 'version: 1\nversion: 1\n', path: 'line 2'},
	{name: 'a list instead of a mapping', text: '- version\n- cluster\n', path: '(answer file)'},
	{name: 'an empty file', text: '', path: '(answer file)'},
	{name: 'version 2', change: r => (r['version'] = 2), path: 'version'},
	{name: 'no version', change: r => delete r['version'], path: 'version'},
	{name: 'an unknown top-level key', change: r => (r['extras'] = true), path: '"extras"'},
	{name: 'an unknown key in a host', change: r => (r['hosts'][0].disk = '10G'), path: 'hosts[0]'},
	{name: 'an upper-case cluster name', change: r => (r['cluster'].name = 'Produccion'), path: 'cluster.name'},
	{name: 'PostgreSQL 16', change: r => (r['cluster'].postgresVersion = 16), path: 'cluster.postgresVersion'},
	{name: 'hosts as a string', change: r => (r['hosts'] = 'postgres1'), path: 'hosts'},
	{name: 'an IPv4 part above 255', change: r => (r['hosts'][2].ip = '192.168.100.300'), path: 'hosts[2].ip'},
	{name: 'an IPv4 with three parts', change: r => (r['hosts'][5].ip = '192.168.100'), path: 'hosts[5].ip'},
	{name: 'a host name with an underscore', change: r => (r['hosts'][4].name = 'etcd_2'), path: 'hosts[4].name'},
	{name: 'a host name starting with a hyphen', change: r => (r['hosts'][0].name = '-postgres1'), path: 'hosts[0].name'},
	{name: 'a host without roles', change: r => (r['hosts'][1].roles = []), path: 'hosts[1].roles'},
	{name: 'an unknown role', change: r => (r['hosts'][1].roles = ['database']), path: 'hosts[1].roles[0]'},
	{name: 'a duplicate host name', change: r => (r['hosts'][1].name = 'postgres1'), path: 'hosts[1].name'},
	{name: 'a duplicate address', change: r => (r['hosts'][2].ip = '192.168.100.1'), path: 'hosts[2].ip'},
	{name: 'a loopback host address', change: r => (r['hosts'][3].ip = '127.0.0.5'), path: 'hosts[3].ip'},
	{name: 'a VIP outside the subnet', change: r => (r['network'].vip = '192.168.200.56'), path: 'network.vip'},
	{name: 'a VIP equal to a host', change: r => (r['network'].vip = '192.168.100.5'), path: 'network.vip'},
	{name: 'a VIP on the network address', change: r => (r['network'].vip = '192.168.100.0'), path: 'network.vip'},
	{name: 'a VIP on the broadcast address', change: r => (r['network'].vip = '192.168.100.255'), path: 'network.vip'},
	{name: 'a malformed VIP', change: r => (r['network'].vip = 'vip.example'), path: 'network.vip'},
	{name: 'two etcd members', change: r => withoutHosts(r, 'etcd3'), path: 'hosts: has 2 etcd'},
	{name: 'one etcd member', change: r => withoutHosts(r, 'etcd2', 'etcd3'), path: 'hosts: has 1 etcd'},
	{name: 'one postgres host', change: r => withoutHosts(r, 'postgres2', 'postgres3'), path: 'hosts: has 1 postgres'},
	{name: 'no balancer', change: r => withoutHosts(r, 'haproxy1', 'haproxy2'), path: 'hosts: has 0 balancers'},
	{name: 'two backup hosts', change: r => r['hosts'].push(host('repo2', '192.168.100.10', ['backup'])), path: 'hosts: has 2 backup'},
	{name: 'VRID 0', change: r => (r['network'].vrrpRouterId = 0), path: 'network.vrrpRouterId'},
	{name: 'VRID 256', change: r => (r['network'].vrrpRouterId = 256), path: 'network.vrrpRouterId'},
	{name: 'VRID as text', change: r => (r['network'].vrrpRouterId = '51'), path: 'network.vrrpRouterId'},
	{name: 'a /31 prefix', change: r => (r['network'].prefix = 31), path: 'network.prefix'},
	{name: 'a cron with four fields', change: r => (r['backup'].full = '0 1 * *'), path: 'backup.full'},
	{name: 'a cron minute of 61', change: r => (r['backup'].differential = '61 1 * * 1-6'), path: 'backup.differential'},
	{name: 'an incremental cron with seconds', change: r => (r['backup'].incremental = '0 0 1 * * *'), path: 'backup.incremental'},
	{name: 'keeping 0 full backups', change: r => (r['backup'].retentionFull = 0), path: 'backup.retentionFull'},
	{name: 'a weak superuser password', change: r => (r['passwords'].superuser = 'postgres'), path: 'passwords.superuser'},
	{name: 'a 9-character VRRP password', change: r => (r['passwords'].vrrp = 'abcd12345'), path: 'passwords.vrrp'},
	{name: 'a short backup passphrase', change: r => (r['passwords'].backupCipher = 'Short-Cipher-1234'), path: 'passwords.backupCipher'},
	{name: 'a non-ASCII application password', change: r => (r['passwords'].app = 'Contraseña-Segura-123'), path: 'passwords.app'},
	{name: 'a password that is a number', change: r => (r['passwords'].replication = 123456789012), path: 'passwords.replication'},
	{name: 'an environment variable that is not set', env: e => delete e['PGHA_APP_PASSWORD'], path: 'passwords.app'},
	{name: 'a missing password key', change: r => delete r['passwords'].patroniApi, path: 'passwords.patroniApi'},
	{name: 'no network section', change: r => delete r['network'], path: 'network'},
	{name: 'an SSH port above 65535', change: r => (r['ssh'].port = 70000), path: 'ssh.port'},
	{name: 'an unknown pool mode', change: r => (r['pgbouncer'].poolMode = 'pooled'), path: 'pgbouncer.poolMode'},
	{name: 'a database name with capitals', change: r => (r['database'].name = 'App-DB'), path: 'database.name'},
	{name: 'a Patroni ttl below 20', change: r => (r['patroni'].ttl = 5), path: 'patroni.ttl'},
	{name: 'a Patroni ttl as text', change: r => (r['patroni'].ttl = 'thirty'), path: 'patroni.ttl'},
	{name: 'Patroni timings past ttl', change: r => (r['patroni'] = {ttl: 30, loopWait: 20, retryTimeout: 10}), path: 'patroni: loopWait (20)'},
	{name: 'a retry timeout past the fast preset\'s ttl', change: r => ((r['ha'] = {rto: 'fast'}), (r['patroni'] = {retryTimeout: 10})), path: 'patroni: loopWait (5, from ha.rto fast)'},
	{name: 'an unknown durability', change: r => (r['ha'] = {durability: 'sync'}), path: 'ha.durability'},
	{name: 'an unknown failover speed', change: r => (r['ha'] = {rto: 'instant'}), path: 'ha.rto'},
	{name: 'writes without a replica with async commits', change: r => (r['ha'] = {durability: 'async', writesWithoutReplica: 'wait'}), path: 'ha.writesWithoutReplica'},
	{name: 'the postgres role as owner', change: r => (r['database'].owner = 'postgres'), path: 'database.owner'},
	{name: 'a reserved word as owner', change: r => (r['database'].owner = 'user'), path: 'database.owner'},
	{name: 'template1 as the database', change: r => (r['database'].name = 'template1'), path: 'database.name'},
	{name: 'a sudo password with a newline', change: r => (r['ssh'].sudoPassword = 'Sudo-Pass\nroot'), path: 'ssh.sudoPassword'},
	{name: 'no SSH login method', change: r => (r['ssh'] = {user: 'root'}), path: 'ssh: gives no way to log in'},
	{name: 'a full retention above pgBackRest\'s limit', change: r => (r['backup'].retentionFull = 10_000_000), path: 'backup.retentionFull'},
	{name: 'a YAML alias bomb', text: aliasBomb(), path: 'YAML aliases'},
];

/** "Billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
function aliasBomb(): string {
	const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
	for (let level = 1; level < 9; level++) {
		const prev = String.fromCharCode(96 + level);
		const name = String.fromCharCode(97 + level);
		lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
	}
	return `version: 1\n${lines.join('\n')}\n`;
}

let dir: string;
beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'pgha-validate-'));
	await ensureBuilt();
}, 180_000);
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('pgha validate (built CLI)', () => {
	it.each(['seed-topology', 'compact'])('accepts examples/%s.yaml with the passwords in the environment', async name => {
		const result = await runCli(['validate', `${root}examples/${name}.yaml`], strongEnv);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`${name}\\.yaml: valid \\(cluster "`));
	});

	it('accepts 4 etcd members and 1 balancer, warning of what each costs', async () => {
		const raw = exampleRaw('seed-topology');
		raw['hosts'].push(host('etcd4', '192.168.100.10', ['etcd']));
		withoutHosts(raw, 'haproxy2');
		const file = join(dir, 'four-etcd-one-balancer.yaml');
		writeFileSync(file, YAML.stringify(raw));
		const result = await runCli(['validate', file], strongEnv);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('  warning: 4 etcd members tolerate 1 failure, as 3 do:');
		expect(result.stdout).toContain('  warning: 1 balancer (haproxy1): the VIP 192.168.100.56 has no standby;');
	});

	it('has at least 30 distinct malformed answer files', () => {
		expect(new Set(cases.map(c => c.name)).size).toBe(cases.length);
		expect(cases.length).toBeGreaterThanOrEqual(30);
	});

	it.each(cases.map(c => [c.name, c] as const))('refuses %s with exit 2 naming the path', async (_name, c) => {
		let text = c.text;
		if (text === undefined) {
			const raw = exampleRaw('seed-topology');
			c.change?.(raw);
			text = YAML.stringify(raw);
		}
		const file = join(dir, `${c.name.replace(/\W+/g, '-')}.yaml`);
		writeFileSync(file, text);
		const env = {...strongEnv};
		c.env?.(env);
		const result = await runCli(['validate', file], env);
		expect(result.code, result.stderr).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(c.path);
		expect(result.stderr).toMatch(/^pgha: .* has \d+ problems?:\n/);
		// One message, no stack trace.
		expect(result.stderr).not.toMatch(/^\s+at /m);
		for (const secret of Object.values(strongEnv)) expect(result.stderr).not.toContain(secret);
	});

	it('says how to call it without a file, with exit 2', async () => {
		const result = await runCli(['validate']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/validate needs a file/);
	});

	it('names a file that does not exist, with exit 2', async () => {
		const result = await runCli(['validate', join(dir, 'absent.yaml')], strongEnv);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/absent\.yaml: no such file/);
	});
});

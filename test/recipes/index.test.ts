import {describe, expect, it} from 'vitest';
import {hostFiles} from '../../recipes/index.js';
import {databaseOwnerVerifier} from '../../recipes/postgres/scram.js';
import {answersFrom, example, exampleRaw, nastyEnv, passwordsOf, withStatsPassword} from '../answers/fixtures.js';
import {clusterKeys, renderFacts} from '../keys/fixtures.js';
import type {Answers} from '../../source/answers/schema.js';

const paths = async (answers: Answers, host: string) => hostFiles(answers, host, await renderFacts(answers)).map(f => f.path);

describe('hostFiles', () => {
	const seed = withStatsPassword(example('seed-topology'));

	it('gives each role its files', async () => {
		expect(await paths(seed, 'postgres1')).toEqual([
			'/etc/patroni/tls/ca.crt',
			'/etc/patroni/tls/server.crt',
			'/etc/patroni/tls/server.key',
			'/etc/patroni/config.yml',
			'/etc/profile.d/pgha-patroni.sh',
			'/etc/pgbouncer/tls/ca.crt',
			'/etc/pgbouncer/tls/pgbouncer.crt',
			'/etc/pgbouncer/tls/pgbouncer.key',
			'/etc/pgbouncer/pgbouncer.ini',
			'/etc/pgbouncer/hba.conf',
			'/etc/pgbouncer/userlist.txt',
			'/etc/systemd/system/pgbouncer.service.d/pgha.conf',
			'/etc/pgbackrest/pgbackrest.conf',
		]);
		expect(await paths(seed, 'etcd3')).toEqual(['/etc/etcd/tls/ca.crt', '/etc/etcd/tls/etcd.crt', '/etc/etcd/tls/etcd.key', '/etc/default/etcd', '/etc/profile.d/pgha-etcd.sh']);
		expect(await paths(seed, 'haproxy2')).toEqual([
			'/etc/haproxy/tls/ca.crt',
			'/etc/haproxy/tls/stats.pem',
			'/var/lib/haproxy/server-state',
			'/etc/haproxy/haproxy.cfg',
			'/etc/sysctl.d/90-pgha.conf',
			'/usr/local/lib/pgha/haproxy-ready',
			'/etc/keepalived/keepalived.conf',
		]);
		expect(await paths(seed, 'pgbackrestRepo')).toEqual(['/etc/pgbackrest/pgbackrest.conf', '/usr/local/lib/pgha/backup-verify', '/etc/cron.d/pgha-produccion']);
	});

	it('gives a host with several roles every file, with no path twice', async () => {
		const compact = withStatsPassword(example('compact'));
		const node3 = await paths(compact, 'node3');
		expect(node3).toEqual(expect.arrayContaining(['/etc/default/etcd', '/etc/patroni/config.yml', '/etc/pgbackrest/pgbackrest.conf', '/etc/pgbackrest/repo.conf', '/etc/cron.d/pgha-compact']));
		for (const host of compact.hosts) {
			const list = await paths(compact, host.name);
			expect(new Set(list).size).toBe(list.length);
		}
		expect(await paths(compact, 'node1')).toContain('/etc/haproxy/haproxy.cfg');
		expect(await paths(compact, 'node3')).not.toContain('/etc/haproxy/haproxy.cfg');
	});

	it('gives each service the host\'s own certificate, the cluster CA and the key readable by the service alone', async () => {
		const compact = withStatsPassword(example('compact'));
		const keys = await clusterKeys(compact);
		const files = hostFiles(compact, 'node1', await renderFacts(compact));
		const file = (path: string) => files.find(f => f.path === path)!;
		for (const [dir, name, owner] of [['/etc/etcd/tls', 'etcd', 'etcd'], ['/etc/patroni/tls', 'server', 'postgres'], ['/etc/pgbouncer/tls', 'pgbouncer', 'postgres']] as const) {
			expect(file(`${dir}/ca.crt`)).toMatchObject({content: keys.caCert, owner, mode: 0o644, secret: false});
			expect(file(`${dir}/${name}.crt`)).toMatchObject({content: keys.hosts['node1']!.cert, owner, mode: 0o644, secret: false});
			// The node serves the VIP's name too (clients check it with verify-full), and localhost, where Patroni and PgBouncer check their own PostgreSQL.
			expect(file(`${dir}/${name}.crt`).certificate).toEqual({caCert: keys.caCert, names: {dns: ['node1', 'localhost'], ips: ['10.20.0.11', '10.20.0.100', '127.0.0.1']}});
			expect(file(`${dir}/${name}.key`)).toMatchObject({content: keys.hosts['node1']!.key, owner, group: owner, mode: 0o600, secret: true});
		}
		expect(hostFiles(compact, 'node2', await renderFacts(compact)).find(f => f.path === '/etc/etcd/tls/etcd.key')!.content).toBe(keys.hosts['node2']!.key);
	});

	it('writes no pgBackRest file without a backup host', async () => {
		const raw = exampleRaw('seed-topology');
		raw['hosts'] = (raw['hosts'] as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'));
		const answers = withStatsPassword(answersFrom(raw));
		for (const host of answers.hosts) expect((await paths(answers, host.name)).filter(p => p.includes('pgbackrest') || p.includes('cron'))).toEqual([]);
	});

	it('marks secret every file that holds a password, a verifier or a private key, and only those carry one', async () => {
		for (const name of ['seed-topology', 'compact'] as const) {
			const answers = withStatsPassword(example(name, nastyEnv), nastyEnv);
			const keys = await clusterKeys(answers);
			// A SCRAM verifier lets whoever has it pose as the server: as secret as a password; so does a private key.
			const secrets = [...passwordsOf(answers), databaseOwnerVerifier(answers, keys), ...Object.values(keys.hosts).map(pair => pair.key)];
			expect(passwordsOf(answers)).toContain(nastyEnv['PGHA_HAPROXY_STATS_PASSWORD']);
			for (const host of answers.hosts) {
				for (const file of hostFiles(answers, host.name, await renderFacts(answers))) {
					const holds = secrets.some(p => file.content.includes(p));
					expect(holds, `${host.name} ${file.path}`).toBe(file.secret);
					if (file.secret) expect(file.mode & 0o077, `${file.path} mode`).toBe(0);
				}
			}
		}
	});

	it('never writes the application password, only its verifier', async () => {
		const answers = withStatsPassword(example('compact', nastyEnv), nastyEnv);
		for (const host of answers.hosts)
			for (const file of hostFiles(answers, host.name, await renderFacts(answers))) expect(file.content).not.toContain(answers.passwords.app);
	});

	it('renders identical files on a second run', async () => {
		const facts = await renderFacts(seed);
		for (const host of seed.hosts)
			expect(hostFiles(withStatsPassword(example('seed-topology')), host.name, facts)).toEqual(hostFiles(seed, host.name, facts));
	});

	it('ends every file with a newline and names a unit for each service file', async () => {
		for (const host of seed.hosts)
			for (const file of hostFiles(seed, host.name, await renderFacts(seed))) {
				expect(file.content.endsWith('\n'), file.path).toBe(true);
				if (file.onChange === 'reload' || file.onChange === 'restart') expect(file.service, file.path).toBeTruthy();
			}
	});

	it('refuses a host the answers do not have', async () => {
		const facts = await renderFacts(seed);
		expect(() => hostFiles(seed, 'nope', facts)).toThrow(/no host named "nope"/);
	});
});

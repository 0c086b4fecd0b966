import {describe, expect, it} from 'vitest';
import {hostFiles} from '../../recipes/index.js';
import {databaseOwnerVerifier} from '../../recipes/postgres/scram.js';
import {answersFrom, example, exampleRaw, nastyEnv, passwordsOf} from '../answers/fixtures.js';

const paths = (answers: ReturnType<typeof example>, host: string) => hostFiles(answers, host, {interface: 'eth0'}).map(f => f.path);

describe('hostFiles', () => {
	const seed = example('seed-topology');

	it('gives each role its files', () => {
		expect(paths(seed, 'postgres1')).toEqual([
			'/etc/patroni/config.yml',
			'/etc/pgbouncer/pgbouncer.ini',
			'/etc/pgbouncer/userlist.txt',
			'/etc/systemd/system/pgbouncer.service.d/pgha.conf',
			'/etc/pgbackrest/pgbackrest.conf',
		]);
		expect(paths(seed, 'etcd3')).toEqual(['/etc/default/etcd']);
		expect(paths(seed, 'haproxy2')).toEqual(['/etc/haproxy/haproxy.cfg', '/etc/sysctl.d/90-pgha.conf', '/etc/keepalived/keepalived.conf']);
		expect(paths(seed, 'pgbackrestRepo')).toEqual(['/etc/pgbackrest/repo.conf', '/etc/cron.d/pgha-produccion']);
	});

	it('gives a host with several roles every file, with no path twice', () => {
		const compact = example('compact');
		const node3 = paths(compact, 'node3');
		expect(node3).toEqual(expect.arrayContaining(['/etc/default/etcd', '/etc/patroni/config.yml', '/etc/pgbackrest/pgbackrest.conf', '/etc/pgbackrest/repo.conf', '/etc/cron.d/pgha-compact']));
		for (const host of compact.hosts) {
			const list = paths(compact, host.name);
			expect(new Set(list).size).toBe(list.length);
		}
		expect(paths(compact, 'node1')).toContain('/etc/haproxy/haproxy.cfg');
		expect(paths(compact, 'node3')).not.toContain('/etc/haproxy/haproxy.cfg');
	});

	it('writes no pgBackRest file without a backup host', () => {
		const raw = exampleRaw('seed-topology');
		raw['hosts'] = (raw['hosts'] as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'));
		const answers = answersFrom(raw);
		for (const host of answers.hosts) expect(paths(answers, host.name).filter(p => p.includes('pgbackrest') || p.includes('cron'))).toEqual([]);
	});

	it('marks secret every file that holds a password or a verifier, and only those carry one', () => {
		for (const name of ['seed-topology', 'compact'] as const) {
			const answers = example(name, nastyEnv);
			// A SCRAM verifier lets whoever has it pose as the server: as secret as a password.
			const passwords = [...passwordsOf(answers), databaseOwnerVerifier(answers)];
			for (const host of answers.hosts) {
				for (const file of hostFiles(answers, host.name, {interface: 'eth0'})) {
					const holds = passwords.some(p => file.content.includes(p));
					expect(holds, `${host.name} ${file.path}`).toBe(file.secret);
					if (file.secret) expect(file.mode & 0o077, `${file.path} mode`).toBe(0);
				}
			}
		}
	});

	it('never writes the application password, only its verifier', () => {
		const answers = example('compact', nastyEnv);
		for (const host of answers.hosts)
			for (const file of hostFiles(answers, host.name, {interface: 'eth0'})) expect(file.content).not.toContain(answers.passwords.app);
	});

	it('renders identical files on a second run', () => {
		for (const host of seed.hosts)
			expect(hostFiles(example('seed-topology'), host.name, {interface: 'eth0'})).toEqual(hostFiles(seed, host.name, {interface: 'eth0'}));
	});

	it('ends every file with a newline and names a unit for each service file', () => {
		for (const host of seed.hosts)
			for (const file of hostFiles(seed, host.name, {interface: 'eth0'})) {
				expect(file.content.endsWith('\n'), file.path).toBe(true);
				if (file.onChange === 'reload' || file.onChange === 'restart') expect(file.service, file.path).toBeTruthy();
			}
	});

	it('refuses a host the answers do not have', () => {
		expect(() => hostFiles(seed, 'nope', {interface: 'eth0'})).toThrow(/no host named "nope"/);
	});
});

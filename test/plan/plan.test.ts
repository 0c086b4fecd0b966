import {describe, expect, it} from 'vitest';
import {buildPlan} from '../../source/plan/plan.js';
import {connectionStrings} from '../../source/plan/connection-strings.js';
import {packagesFor} from '../../recipes/index.js';
import {phaseNames, restoreOnlyPhases, uninstallPhases, upgradePhases} from '../../source/phases.js';

const installPhases = phaseNames.filter(p => !([...restoreOnlyPhases, ...uninstallPhases, ...upgradePhases] as readonly string[]).includes(p));
import {answersFrom, example, exampleRaw, nastyEnv, passwordsOf, withStatsPassword} from '../answers/fixtures.js';


describe('buildPlan', () => {
	const seed = example('seed-topology');
	const plan = buildPlan(seed);
	const host = (name: string) => plan.hosts.find(h => h.name === name)!;

	it('lists every host with its roles and packages', () => {
		expect(plan.hosts.map(h => h.name)).toEqual(seed.hosts.map(h => h.name));
		expect(host('postgres1').packages).toEqual(
			['logrotate', 'openssh-client', 'patroni', 'pgbackrest', 'pgbouncer', 'postgresql-15', 'postgresql-client-15', 'python3-etcd', 'python3-psycopg2'],
		);
		expect(host('etcd1').packages).toEqual(['etcd-client', 'etcd-server']);
		expect(host('haproxy1').packages).toEqual(['haproxy', 'keepalived', 'socat']);
		// The repository host restores backups into a throwaway PostgreSQL for the restore drill.
		expect(host('pgbackrestRepo').packages).toEqual(['cron', 'jq', 'openssh-client', 'pgbackrest', 'postgresql-15', 'postgresql-client-15']);
	});

	it('merges the packages of a host with several roles', () => {
		const compact = example('compact');
		const node1 = compact.hosts[0]!;
		expect(node1.roles).toEqual(expect.arrayContaining(['postgres', 'etcd', 'balancer']));
		expect(packagesFor(node1)).toEqual(
			expect.arrayContaining(['etcd-client', 'etcd-server', 'haproxy', 'keepalived', 'patroni', 'pgbackrest', 'pgbouncer', 'postgresql-15', 'socat']),
		);
		expect(new Set(packagesFor(node1)).size).toBe(packagesFor(node1).length);
		expect(packagesFor(node1)).toEqual([...packagesFor(node1)].sort());
	});

	it('lists files with owner and mode but no content', () => {
		const files = host('postgres2').files;
		expect(files).toContainEqual({path: '/etc/patroni/config.yml', owner: 'postgres', group: 'postgres', mode: '0600', secret: true, service: 'patroni'});
		expect(files).toContainEqual({path: '/etc/pgbackrest/pgbackrest.conf', owner: 'postgres', group: 'postgres', mode: '0640', secret: false});
		for (const file of plan.hosts.flatMap(h => h.files)) expect(Object.keys(file)).not.toContain('content');
	});

	it('gives each service its ports', () => {
		const ports = (name: string, unit: string) => host(name).services.find(s => s.unit === unit)!.ports.map(p => p.port ?? p.protocol);
		expect(ports('etcd1', 'etcd')).toEqual([2379, 2380]);
		expect(ports('postgres1', 'patroni')).toEqual([5432, 8008]);
		expect(ports('postgres1', 'pgbouncer')).toEqual([6432]);
		expect(ports('haproxy1', 'haproxy')).toEqual([5000, 5001, 7000]);
		expect(ports('haproxy1', 'keepalived')).toEqual(['vrrp']);
		expect(host('haproxy1').services.find(s => s.unit === 'haproxy')!.ports[0]!.addresses).toEqual(['192.168.100.56']);
	});

	it('orders the phases and names the hosts each touches', () => {
		expect(plan.phases.map(p => p.name)).toEqual(installPhases);
		const hosts = (name: string) => plan.phases.find(p => p.name === name)!.hosts;
		expect(hosts('preflight')).toHaveLength(9);
		expect(hosts('etcd')).toEqual(['etcd1', 'etcd2', 'etcd3']);
		expect(hosts('postgres-leader')).toEqual(['postgres1']);
		expect(hosts('postgres-replicas')).toEqual(['postgres2', 'postgres3']);
		expect(hosts('pgbouncer')).toEqual(['postgres1', 'postgres2', 'postgres3']);
		expect(hosts('balancers')).toEqual(['haproxy1', 'haproxy2']);
		expect(hosts('backup')).toEqual(['postgres1', 'postgres2', 'postgres3', 'pgbackrestRepo']);
		const action = (name: string) => plan.phases.find(p => p.name === name)!.action;
		expect(action('preflight')).toMatch(/changes nothing$/);
		expect(action('etcd')).toContain('/etc/default/etcd');
		expect(action('postgres-replicas')).toBe('Start Patroni, which clones each replica from the latest backup or the leader and streams from it');
		expect(action('pgbouncer')).toBe(
			"Apply Patroni's cluster settings (failover timing, synchronous mode) and the PostgreSQL parameters, create database aplicacion owned by aplicacion and start PgBouncer with the owner's SCRAM verifier",
		);
		expect(action('balancers')).toBe('Configure HAProxy and Keepalived; haproxy1 takes the VIP 192.168.100.56');
		expect(action('backup')).toMatch(/^SSH trust between pgbackrestRepo and the nodes, create stanza produccion/);
		expect(action('verify')).toMatch(/a write through 192\.168\.100\.56:5000 read back through :5001, the backup listed$/);
		expect(hosts('verify')).toEqual(seed.hosts.map(h => h.name));
	});

	it('gives the durability and failover timing in effect, with the expected worst case', () => {
		expect(plan.failover).toEqual({
			mode: 'async',
			rto: 'normal',
			expectedWorstCaseSeconds: 40,
			// A silent leader: HAProxy gives up on it after fall (3) checks of inter (3 s) plus the 5 s check timeout.
			expectedPartitionWorstCaseSeconds: 64,
			patroni: {ttl: 30, loopWait: 10, retryTimeout: 10, primaryStartTimeout: 30, maximumLagOnFailover: 1048576},
			haproxy: {interMs: 3000, fastinterMs: 200, downinterMs: 1000, fall: 3, rise: 2},
			keepalived: {interval: 2, fall: 2, rise: 2, advertInt: 1},
			overridden: [],
		});
		const raw = exampleRaw('seed-topology');
		raw['ha'] = {durability: 'synchronous', rto: 'fast'};
		raw['patroni'] = {ttl: 25};
		const fast = buildPlan(answersFrom(raw)).failover;
		// ttl 25 + 5 + HAProxy 1.5 + loop_wait 5 (synchronous), rounded up.
		expect(fast).toMatchObject({mode: 'synchronous', writesWithoutReplica: 'wait', rto: 'fast', expectedWorstCaseSeconds: 37, overridden: ['ttl']});
		expect(fast.patroni).toMatchObject({ttl: 25, loopWait: 5, retryTimeout: 5});
	});

	it('leaves the backup phase out without a backup host and says so', () => {
		const raw = exampleRaw('seed-topology');
		raw['hosts'] = (raw['hosts'] as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'));
		const noBackup = buildPlan(answersFrom(raw));
		expect(noBackup.phases.map(p => p.name)).toEqual(installPhases.filter(p => p !== 'backup'));
		expect(noBackup.warnings.join(' ')).toMatch(/No backup host/);
	});

	it('computes the quorum', () => {
		expect(plan.quorum).toEqual({etcdMembers: 3, etcdToleratedFailures: 1, postgresNodes: 3, balancers: ['haproxy1', 'haproxy2']});
		const raw = exampleRaw('seed-topology');
		const hosts = raw['hosts'] as Array<{name: string; ip: string; roles: string[]}>;
		hosts.push({name: 'etcd4', ip: '192.168.100.10', roles: ['etcd']}, {name: 'etcd5', ip: '192.168.100.11', roles: ['etcd']});
		expect(buildPlan(answersFrom(raw)).quorum).toEqual({etcdMembers: 5, etcdToleratedFailures: 2, postgresNodes: 3, balancers: ['haproxy1', 'haproxy2']});
		hosts.pop();
		hosts.splice(hosts.findIndex(h => h.name === 'haproxy2'), 1);
		const four = buildPlan(answersFrom(raw));
		expect(four.quorum).toEqual({etcdMembers: 4, etcdToleratedFailures: 1, postgresNodes: 3, balancers: ['haproxy1']});
		expect(four.warnings).toEqual([expect.stringMatching(/^4 etcd members tolerate 1 failure, as 3 do: /), expect.stringMatching(/^1 balancer \(haproxy1\): the VIP 192\.168\.100\.56 has no standby; /)]);
	});

	it('carries the rules\' warnings', () => {
		expect(plan.warnings).toEqual([]);
		expect(buildPlan(example('compact')).warnings.join(' ')).toMatch(/etcd shares 3 host/);
	});

	it('gives the connection strings through the VIP, over TLS, and libpq ones only with client networks', () => {
		expect(connectionStrings(seed)).toEqual({
			readWrite: 'postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=ca.crt',
			readOnly: 'postgresql://aplicacion@192.168.100.56:5001/aplicacion?sslmode=verify-full&sslrootcert=ca.crt',
		});
		expect(plan.connections).toEqual(connectionStrings(seed));
		const raw = exampleRaw('seed-topology');
		(raw['network'] as Record<string, unknown>)['clientNetworks'] = ['10.30.0.0/16'];
		const open = answersFrom(raw);
		expect(buildPlan(open).connections).toEqual({
			...connectionStrings(seed),
			libpqReadWrite: 'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=read-write&sslmode=verify-full&sslrootcert=ca.crt',
			libpqReadOnly: 'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=prefer-standby&sslmode=verify-full&sslrootcert=ca.crt',
		});
	});

	it('lists the TLS files and the stats page on the balancer\'s own address, and needs no keys or stats password to do so', () => {
		expect(seed.passwords.haproxyStats).toBeUndefined();
		expect(host('haproxy1').files).toContainEqual({path: '/etc/haproxy/tls/stats.pem', owner: 'root', group: 'root', mode: '0600', secret: true, service: 'haproxy'});
		expect(host('haproxy1').files).toContainEqual({path: '/etc/haproxy/haproxy.cfg', owner: 'root', group: 'root', mode: '0600', secret: true, service: 'haproxy'});
		expect(host('etcd1').files).toContainEqual({path: '/etc/etcd/tls/etcd.key', owner: 'etcd', group: 'etcd', mode: '0600', secret: true, service: 'etcd'});
		expect(host('postgres1').files).toContainEqual({path: '/etc/pgbouncer/hba.conf', owner: 'postgres', group: 'postgres', mode: '0640', secret: false, service: 'pgbouncer'});
		const stats = host('haproxy1').services.find(s => s.unit === 'haproxy')!.ports.find(p => p.port === 7000)!;
		expect(stats.addresses).toEqual(['192.168.100.5']);
		expect(host('etcd1').services[0]!.ports.map(p => p.addresses)).toEqual([['192.168.100.4'], ['192.168.100.4']]);
	});

	it('holds no secret', () => {
		const answers = withStatsPassword(example('compact', nastyEnv), nastyEnv);
		const json = JSON.stringify(buildPlan(answers));
		expect(passwordsOf(answers)).toHaveLength(7);
		for (const password of passwordsOf(answers)) expect(json).not.toContain(password);
		expect(json).not.toContain('PRIVATE KEY');
		expect(json).not.toContain('SCRAM-SHA-256$');
	});

	it('uses the interface from the answers when given', () => {
		const raw = exampleRaw('compact');
		(raw['network'] as Record<string, unknown>)['interface'] = 'ens3';
		expect(() => buildPlan(answersFrom(raw))).not.toThrow();
	});
});

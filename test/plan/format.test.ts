import {describe, expect, it} from 'vitest';
import {formatPlan} from '../../source/plan/format.js';
import {buildPlan} from '../../source/plan/plan.js';
import {validateAnswers} from '../../source/answers/load.js';
import {generatePasswords} from '../../source/answers/passwords.js';
import {labAnswers} from '../../source/lab/answers.js';
import {topologyHosts} from '../../source/lab/topology.js';
import {answersFrom, example, exampleRaw, nastyEnv, passwordsOf, withStatsPassword} from '../answers/fixtures.js';

describe('formatPlan', () => {
	const answers = example('seed-topology', nastyEnv);
	const text = formatPlan(buildPlan(answers));

	it('shows quorum, hosts, phases in order, connection strings', () => {
		expect(text).toContain('Plan for cluster "produccion" (PostgreSQL 15, 9 hosts, VIP 192.168.100.56)');
		expect(text).toContain('etcd: 3 members, keeps working with 1 down');
		expect(text).toContain('PostgreSQL: 3 nodes, one primary and 2 replicas');
		expect(text).toContain('VIP: 2 balancers; haproxy1 holds it, haproxy2 takes over when it fails');
		expect(text).toMatch(/postgres1 \(192\.168\.100\.1\): postgres\n {4}packages: .*postgresql-15/);
		expect(text).toMatch(/file \/etc\/patroni\/config\.yml +0600 postgres:postgres {2}\(secret\)/);
		expect(text).toContain('192.168.100.56:5000: read-write (primary)');
		const phases = [...text.matchAll(/^ {2}\d+\. ([a-z-]+) \[/gm)].map(m => m[1]);
		expect(phases).toEqual(['preflight', 'packages', 'prepare', 'etcd', 'postgres-leader', 'postgres-replicas', 'backup', 'pgbouncer', 'balancers', 'restart', 'verify']);
		expect(text).toContain('read-write: postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=ca.crt');
		expect(text).toContain('Closed by TLS: every port needs the cluster CA');
		// No client networks: PgBouncer admits only the balancers, so no multi-host strings.
		expect(text).not.toContain('target_session_attrs');
	});

	it('says who takes the VIP over with 3 balancers, and that 1 balancer has no standby', () => {
		const three = example('seed-topology', nastyEnv);
		three.hosts.push({name: 'haproxy3', ip: '192.168.100.10', roles: ['balancer']});
		expect(formatPlan(buildPlan(three))).toContain('  VIP: 3 balancers; haproxy1 holds it, haproxy2, haproxy3 take over when it fails\n');
		const one = example('seed-topology', nastyEnv);
		one.hosts = one.hosts.filter(h => h.name !== 'haproxy1');
		const text = formatPlan(buildPlan(one));
		expect(text).toContain('  VIP: 1 balancer, haproxy2, with no standby: if it fails, clients lose the VIP until it returns\n');
		expect(text).toContain('1 balancer (haproxy2): the VIP 192.168.100.56 has no standby;');
	});

	it('shows the libpq multi-host strings when the answers list client networks', () => {
		const raw = exampleRaw('seed-topology');
		(raw['network'] as Record<string, unknown>)['clientNetworks'] = ['10.30.0.0/16'];
		const open = formatPlan(buildPlan(answersFrom(raw)));
		expect(open).toContain('without the VIP, from network.clientNetworks (libpq picks a node through PgBouncer):');
		expect(open).toContain('target_session_attrs=prefer-standby&sslmode=verify-full');
	});

	it('shows the durability and failover speed with the expected worst case', () => {
		expect(text).toContain(
			'\n  failover: async (a commit returns once the leader has it; a leader crash can lose the last writes), rto normal: writes back within ~40 s of a leader crash (Patroni ttl 30 s, loop_wait 10 s, retry_timeout 10 s)\n',
		);
		const raw = exampleRaw('seed-topology');
		raw['ha'] = {durability: 'synchronous', rto: 'fast'};
		expect(formatPlan(buildPlan(answersFrom(raw)))).toContain(
			'failover: synchronous (commits wait for a replica; writes wait when none is left), rto fast: writes back within ~32 s of a leader crash (Patroni ttl 20 s, loop_wait 5 s, retry_timeout 5 s)',
		);
		raw['ha'] = {durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'safe'};
		raw['patroni'] = {ttl: 70};
		expect(formatPlan(buildPlan(answersFrom(raw)))).toContain(
			'failover: synchronous (commits wait for a replica; writes go on unprotected when none is left), rto safe: writes back within ~94 s of a leader crash (Patroni ttl 70 s, loop_wait 10 s, retry_timeout 25 s; patroni.ttl from the answers)',
		);
	});

	it('shows warnings when there are some', () => {
		expect(text).not.toContain('Warnings');
		expect(formatPlan(buildPlan(example('compact')))).toMatch(/Warnings\n {2}- etcd shares/);
	});

	it('prints no secret', () => {
		for (const password of passwordsOf(answers)) expect(text).not.toContain(password);
		const withStats = withStatsPassword(answers, nastyEnv);
		expect(formatPlan(buildPlan(withStats))).not.toContain(withStats.passwords.haproxyStats);
	});
});

describe('the plan of packages', () => {
	it('says where packages come from and shows each pinned version on its hosts', () => {
		const base = example('compact');
		const text = formatPlan(buildPlan({...base, packages: {source: 'bundle', bundle: '/srv/pgha.tar', versions: {haproxy: '2.6.12-1+deb12u2'}}}));
		expect(text).toContain('from the bundle /srv/pgha.tar, copied to each host (no package source needed)');
		expect(text).toContain('1 pinned: a re-run installs exactly these versions and never upgrades');
		expect(text).toMatch(/packages: .*haproxy=2\.6\.12-1\+deb12u2 /);
		expect(formatPlan(buildPlan(base))).toContain('from the Debian archives the hosts reach');
	});

	it("shows each of the large lab's fifteen hosts with its roles, and each in its phases", () => {
		const hosts = topologyHosts('large');
		const result = validateAnswers(labAnswers('large', hosts, '/k', generatePasswords()), {});
		if (!result.ok) throw new Error(JSON.stringify(result.problems));
		const large = formatPlan(buildPlan(result.answers));
		expect(large).toContain('Plan for cluster "lab-large" (PostgreSQL 15, 15 hosts, VIP 10.131.0.56)');
		expect(large).toContain('etcd: 5 members, keeps working with 2 down');
		expect(large).toContain('PostgreSQL: 7 nodes, one primary and 6 replicas');
		const phase = (name: string) => large.match(new RegExp(`^ {2}\\d+\\. ${name} \\[(.*)\\]$`, 'm'))?.[1]?.split(', ') ?? [];
		for (const host of hosts) {
			expect(large).toContain(`\n  ${host.name} (${host.ip}): ${host.roles.join(', ')}\n`);
			expect(phase('preflight'), host.name).toContain(host.name);
		}
		expect(phase('etcd')).toEqual(['etcd1', 'etcd2', 'etcd3', 'etcd4', 'etcd5']);
		expect([...phase('postgres-leader'), ...phase('postgres-replicas')].sort()).toEqual(hosts.filter(h => h.roles.includes('postgres')).map(h => h.name).sort());
		expect(phase('balancers')).toEqual(['haproxy1', 'haproxy2']);
		expect(large).not.toContain('Warnings');
	});
});

describe('formatPlan with PostgreSQL parameters', () => {
	it('lists them and says which change ends the run with a rolling restart', () => {
		const answers = {...withStatsPassword(example('seed-topology')), postgresql: {parameters: {shared_buffers: '256MB', work_mem: '16MB'}}};
		const text = formatPlan(buildPlan(answers));
		expect(text).toContain('  shared_buffers = 256MB  (a change needs a restart)');
		expect(text).toContain('  work_mem = 16MB\n');
		expect(text).toContain('a change of shared_buffers ends the run with a rolling restart: replicas one at a time, then a switchover, then the former leader');
		expect(text).toContain('shared_buffers needs a restart when changed');
	});
});

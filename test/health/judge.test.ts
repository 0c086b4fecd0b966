import {expect, test} from 'vitest';
import type {ClusterStatus} from '../../source/health/observe.js';
import {judgeCluster} from '../../source/health/judge.js';
import {example} from '../answers/fixtures.js';

const seedAnswers = () => example('seed-topology');

/** What observeCluster sees on a healthy seed cluster. */
export function healthyStatus(): ClusterStatus {
	const answers = seedAnswers();
	return {
		cluster: 'produccion',
		at: '2026-11-23T00:00:00.000Z',
		hosts: answers.hosts.map(h => ({name: h.name, ip: h.ip, roles: h.roles, reachable: true})),
		postgres: [
			{member: 'postgres1', role: 'Leader', state: 'running', timeline: 1},
			{member: 'postgres2', role: 'Replica', state: 'running', timeline: 1, lagMb: 0},
			{member: 'postgres3', role: 'Replica', state: 'running', timeline: 1, lagMb: 0},
		],
		replication: [
			{name: 'postgres2', state: 'streaming', lagBytes: 0},
			{name: 'postgres3', state: 'streaming', lagBytes: 0},
		],
		pgbouncer: ['postgres1', 'postgres2', 'postgres3'].map(host => ({host, poolMode: 'transaction', active: true})),
		etcd: [4, 7, 8].map(n => ({endpoint: `http://192.168.100.${n}:2379`, healthy: true, leader: n === 4})),
		vip: {address: '192.168.100.56', holder: 'haproxy1', holders: ['haproxy1']},
		haproxy: [
			{balancer: 'haproxy1', listener: 'primary', server: 'postgres1', status: 'UP'},
			{balancer: 'haproxy1', listener: 'primary', server: 'postgres2', status: 'DOWN'},
			{balancer: 'haproxy1', listener: 'replicas', server: 'postgres2', status: 'UP'},
			{balancer: 'haproxy1', listener: 'replicas', server: 'postgres3', status: 'UP 1/2'},
		],
		backups: {count: 2, status: 'ok', full: {label: '20261122-010000F', finishedAt: '2026-11-22T01:02:00.000Z', ageSeconds: 82_000, sizeBytes: 30_000_000}},
		schedule: {path: '/etc/cron.d/pgha-produccion', state: 'installed', cronActive: true, writtenAt: '2026-10-01T00:00:00.000Z'},
		restoreDrill: {at: '2026-11-22T05:04:00.000Z', ok: true, durationSeconds: 240, restoreSeconds: 130, problems: []},
		certificates: [
			...['etcd1', 'etcd2', 'etcd3'].map(host => ({host, path: '/etc/etcd/tls/etcd.crt', notAfter: '2028-11-22T12:00:00.000Z'})),
			...['postgres1', 'postgres2', 'postgres3'].flatMap(host => [
				{host, path: '/etc/patroni/tls/server.crt', notAfter: '2028-11-22T12:00:00.000Z'},
				{host, path: '/etc/pgbouncer/tls/pgbouncer.crt', notAfter: '2028-11-22T12:00:00.000Z'},
			]),
			{host: 'haproxy1', path: '/etc/haproxy/tls/stats.pem', notAfter: '2028-06-01T12:00:00.000Z'},
			{host: 'haproxy2', path: '/etc/haproxy/tls/stats.pem', notAfter: '2028-11-22T12:00:00.000Z'},
		],
	};
}

const failing = (status: ClusterStatus) => judgeCluster(seedAnswers(), status).filter(f => !f.ok).map(f => `${f.name}: ${f.evidence}`);

test('a healthy cluster passes every judgement, each with its evidence', () => {
	const findings = judgeCluster(seedAnswers(), healthyStatus());
	expect(findings.map(f => f.name)).toEqual([
		'etcd healthy on all members',
		'Patroni: one leader, replicas streaming within the failover lag limit',
		'PgBouncer pool mode transaction',
		'VIP 192.168.100.56 held by one balancer',
		'HAProxy: leader up on 5000, replicas up on 5001',
		'certificates valid for 30 days or more',
		'pgBackRest lists a full backup',
		'the newest backup is recent',
		'backup schedule installed on the repository',
		'backup restore drill passed recently',
	]);
	expect(findings.filter(f => !f.ok)).toEqual([]);
	expect(findings[9]!.evidence).toBe('passed 2026-11-22T05:04:00.000Z (19 h ago): restore and replay 130 s, 240 s in all');
	expect(findings[1]!.evidence).toBe('postgres1 leader; postgres2 streaming lag 0 bytes; postgres3 streaming lag 0 bytes');
	expect(findings[4]!.evidence).toBe('haproxy1 holds the VIP; 5000 -> postgres1; 5001 -> postgres2,postgres3 (expected 2 replicas)');
	expect(findings[5]!.evidence).toBe('earliest expiry 2028-06-01 (556 days, haproxy1 /etc/haproxy/tls/stats.pem)');
});

test('a certificate that expires within 30 days is named with its host, file and date', () => {
	const status = healthyStatus();
	// Ten days after the status was taken.
	status.certificates[5]!.notAfter = '2026-12-03T00:00:00.000Z';
	expect(failing(status)).toEqual([
		'certificates valid for 30 days or more: postgres2: /etc/patroni/tls/server.crt expires 2026-12-03; earliest expiry 2026-12-03 (10 days, postgres2 /etc/patroni/tls/server.crt)',
	]);
	// Thirty days left still holds.
	status.certificates[5]!.notAfter = '2026-12-23T00:00:00.000Z';
	expect(failing(status)).toEqual([]);
});

test('a certificate that cannot be read is named; with none read at all the judgement fails too', () => {
	const status = healthyStatus();
	delete status.certificates[0]!.notAfter;
	expect(failing(status)).toEqual([
		'certificates valid for 30 days or more: etcd1: /etc/etcd/tls/etcd.crt is missing or not a certificate; earliest expiry 2028-06-01 (556 days, haproxy1 /etc/haproxy/tls/stats.pem)',
	]);
	status.certificates = [];
	expect(failing(status)).toEqual(['certificates valid for 30 days or more: no certificate could be read']);
});

test('each broken part of the live state is named', () => {
	const status = healthyStatus();
	status.replication![1] = {name: 'postgres3', state: 'streaming', lagBytes: 12_582_912};
	status.etcd[1]!.healthy = false;
	status.pgbouncer[2]!.active = false;
	status.vip = {address: '192.168.100.56', holders: []};
	status.backups!.full!.ageSeconds = 9 * 86_400;
	status.schedule = {path: '/etc/cron.d/pgha-produccion', state: 'missing', cronActive: true};
	expect(failing(status)).toEqual([
		'etcd healthy on all members: 2/3 healthy; http://192.168.100.7:2379 unhealthy',
		'Patroni: one leader, replicas streaming within the failover lag limit: postgres3 lags 12582912 bytes behind the leader (more than patroni.maximumLagOnFailover, 1048576) (postgres1 leader; postgres2 streaming lag 0 bytes; postgres3 streaming lag 12582912 bytes)',
		'PgBouncer pool mode transaction: postgres1: transaction active; postgres2: transaction active; postgres3: transaction NOT RUNNING',
		'VIP 192.168.100.56 held by one balancer: no balancer holds 192.168.100.56',
		'HAProxy: leader up on 5000, replicas up on 5001: no balancer holds 192.168.100.56',
		'the newest backup is recent: the newest backup is 9 days old',
		'backup schedule installed on the repository: /etc/cron.d/pgha-produccion is missing; cron runs it',
	]);
});

test('a replica a little behind a busy leader is healthy; one past the failover lag limit is not', () => {
	const status = healthyStatus();
	status.replication![0]!.lagBytes = 8_192;
	expect(failing(status)).toEqual([]);
	status.replication![0]!.lagBytes = 1_048_577;
	expect(failing(status)[0]).toMatch(/^Patroni: .*postgres2 lags 1048577 bytes behind the leader/);
});

test('a replica left on an older timeline that does not stream is named with the way to clone it again', () => {
	const status = healthyStatus();
	status.postgres[0]!.timeline = 2;
	status.postgres[2]!.timeline = 2;
	status.replication = [{name: 'postgres3', state: 'streaming', lagBytes: 0}];
	expect(failing(status)[0]).toMatch(/postgres2 does not stream from the leader \(it is on timeline 1, the leader on 2: .*`patronictl reinit produccion postgres2` on a PostgreSQL node clones it again\)/);
	// On the leader's timeline, a replica that does not stream is only said not to.
	status.postgres[1]!.timeline = 2;
	expect(failing(status)[0]).toMatch(/postgres2 does not stream from the leader \(postgres1 leader/);
});

test('two leaders, a missing member, a replica that does not stream and HAProxy routing writes to a replica are each drift', () => {
	const status = healthyStatus();
	status.postgres = [
		{member: 'postgres1', role: 'Leader', state: 'running'},
		{member: 'postgres2', role: 'Leader', state: 'running'},
	];
	status.replication = [];
	status.haproxy[0]!.status = 'DOWN';
	status.haproxy[1]!.status = 'UP';
	const out = failing(status);
	expect(out[0]).toMatch(/^Patroni: .*Patroni has 2 leaders; it should have 1; postgres3 is not a Patroni member/);
	expect(out[1]).toBe('HAProxy: leader up on 5000, replicas up on 5001: haproxy1 holds the VIP; 5000 -> postgres2; 5001 -> postgres2,postgres3 (expected 2 replicas)');
});

test('a schedule that cron does not run is named', () => {
	const status = healthyStatus();
	status.schedule!.cronActive = false;
	expect(failing(status)).toEqual(['backup schedule installed on the repository: /etc/cron.d/pgha-produccion matches the answers; cron is NOT running, so no scheduled backup runs']);
});

test('a cluster without a repository is not judged on backups', () => {
	const answers = seedAnswers();
	answers.hosts = answers.hosts.filter(h => !h.roles.includes('backup'));
	const status = healthyStatus();
	delete status.backups;
	delete status.schedule;
	expect(judgeCluster(answers, status).map(f => f.name)).not.toContain('pgBackRest lists a full backup');
	expect(judgeCluster(answers, status).every(f => f.ok)).toBe(true);
});

test('a synchronous cluster is judged on having a synchronous standby; its replicas still count as replicas', () => {
	const answers = seedAnswers();
	answers.ha = {durability: 'synchronous', rto: 'normal'};
	const status = healthyStatus();
	status.postgres[1]!.role = 'Sync Standby';
	const findings = judgeCluster(answers, status);
	expect(findings.filter(f => !f.ok)).toEqual([]);
	expect(findings.find(f => f.name === 'Patroni: a synchronous standby confirms each commit')).toEqual({
		name: 'Patroni: a synchronous standby confirms each commit',
		ok: true,
		evidence: 'postgres2 (running) is the synchronous standby',
	});
	// Right after the Patroni judgement, before PgBouncer.
	expect(findings.map(f => f.name).indexOf('Patroni: a synchronous standby confirms each commit')).toBe(2);
});

test('a synchronous cluster without a synchronous standby says what happens to commits', () => {
	const answers = seedAnswers();
	answers.ha = {durability: 'synchronous', rto: 'fast'};
	const status = healthyStatus();
	expect(judgeCluster(answers, status).filter(f => !f.ok).map(f => `${f.name}: ${f.evidence}`)).toEqual([
		'Patroni: a synchronous standby confirms each commit: no member is a synchronous standby (postgres1 Leader, postgres2 Replica, postgres3 Replica); commits wait until a replica is back',
	]);
	answers.ha = {durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'fast'};
	expect(judgeCluster(answers, status).find(f => !f.ok)!.evidence).toMatch(/; commits go on without a replica confirming them$/);
});

test('an asynchronous cluster is not judged on a synchronous standby', () => {
	const findings = judgeCluster(seedAnswers(), healthyStatus());
	expect(findings.map(f => f.name)).not.toContain('Patroni: a synchronous standby confirms each commit');
});

test('the failover lag limit is patroni.maximumLagOnFailover whatever the rto preset', () => {
	const answers = seedAnswers();
	answers.ha = {durability: 'async', rto: 'fast'};
	answers.patroni = {maximumLagOnFailover: 100};
	const status = healthyStatus();
	status.replication![0]!.lagBytes = 101;
	expect(judgeCluster(answers, status).filter(f => !f.ok).map(f => f.evidence)[0]).toMatch(/^postgres2 lags 101 bytes behind the leader \(more than patroni\.maximumLagOnFailover, 100\)/);
});

const drillFinding = (status: ClusterStatus, answers = seedAnswers()) => judgeCluster(answers, status).find(f => f.name === 'backup restore drill passed recently')!;
const daysBefore = (status: ClusterStatus, days: number) => new Date(Date.parse(status.at) - days * 86_400_000).toISOString();

test('a failed restore drill fails the judgement, naming its first problems', () => {
	const status = healthyStatus();
	status.restoreDrill = {at: daysBefore(status, 1), ok: false, durationSeconds: 300, restoreSeconds: 120, problems: ['pg_amcheck: btree index "aplicacion.public.pedidos_pkey"', 'row counts: a', 'row counts: b', 'pgbackrest verify: c']};
	expect(failing(status)).toEqual([
		'backup restore drill passed recently: the last drill (2026-11-22T00:00:00.000Z, 24 h ago) FAILED: pg_amcheck: btree index "aplicacion.public.pedidos_pkey"; row counts: a; row counts: b (and 1 more)',
	]);
});

test('a passed drill older than two periods of backup.verify and a day is overdue', () => {
	const status = healthyStatus();
	// Weekly: 15 days allowed.
	status.restoreDrill = {at: daysBefore(status, 14.9), ok: true, durationSeconds: 240, restoreSeconds: 130, problems: []};
	expect(failing(status)).toEqual([]);
	status.restoreDrill.at = daysBefore(status, 15.1);
	expect(failing(status)).toEqual([
		'backup restore drill passed recently: the last drill passed 15 days ago (2026-11-07T21:36:00.000Z), longer ago than 15 days (two periods of backup.verify "0 5 * * 0" and a day); `pgha backup verify` runs one now',
	]);
	// A monthly drill may be two months and a day old.
	const monthly = {...seedAnswers(), backup: {...seedAnswers().backup, verify: '0 5 1 * *'}};
	expect(drillFinding(status, monthly).ok).toBe(true);
	status.restoreDrill.at = daysBefore(status, 63.5);
	expect(drillFinding(status, monthly)).toMatchObject({ok: false, evidence: expect.stringContaining('longer ago than 63 days (two periods of backup.verify "0 5 1 * *" and a day)')});
});

test('no drill yet is fine while the schedule that runs it is younger than the drill may be old (a fresh install), and drift after', () => {
	const status = healthyStatus();
	delete status.restoreDrill;
	status.schedule!.writtenAt = daysBefore(status, 0.01);
	expect(drillFinding(status)).toEqual({
		name: 'backup restore drill passed recently',
		ok: true,
		evidence: 'no drill yet: /etc/cron.d/pgha-produccion has scheduled it for 14 min, and the first is due within 15 days (two periods of backup.verify "0 5 * * 0" and a day); `pgha backup verify` runs one now',
	});
	status.schedule!.writtenAt = daysBefore(status, 16);
	expect(failing(status)).toEqual([
		'backup restore drill passed recently: no drill result on the repository (/var/lib/pgha/backup-verify/last.json) although /etc/cron.d/pgha-produccion has scheduled it for 16 days; `pgha backup verify` runs one now',
	]);
	// A schedule that is not the one the answers render schedules no drill: no grace.
	status.schedule = {path: '/etc/cron.d/pgha-produccion', state: 'different', cronActive: true, writtenAt: daysBefore(status, 1)};
	expect(drillFinding(status)).toMatchObject({ok: false, evidence: expect.stringContaining('although /etc/cron.d/pgha-produccion is different from the answers')});
	delete status.schedule;
	expect(drillFinding(status)).toMatchObject({ok: false, evidence: 'the repository does not answer'});
});

test('a cluster without a repository has no drill to judge', () => {
	const answers = seedAnswers();
	const noRepo = {...answers, hosts: answers.hosts.filter(h => !h.roles.includes('backup'))};
	expect(judgeCluster(noRepo, healthyStatus()).map(f => f.name)).not.toContain('backup restore drill passed recently');
});

test('a cluster of 1 balancer and 4 etcd members is healthy when its one balancer holds the VIP: no standby is asked for', () => {
	const answers = seedAnswers();
	answers.hosts = answers.hosts.filter(h => h.name !== 'haproxy2');
	answers.hosts.push({name: 'etcd4', ip: '192.168.100.10', roles: ['etcd']});
	const status = healthyStatus();
	status.hosts = answers.hosts.map(h => ({name: h.name, ip: h.ip, roles: h.roles, reachable: true}));
	status.etcd.push({endpoint: 'http://192.168.100.10:2379', healthy: true, leader: false});
	status.certificates = status.certificates.filter(c => c.host !== 'haproxy2');
	expect(judgeCluster(answers, status).filter(f => !f.ok)).toEqual([]);
	// The one balancer not holding it is the same failure as on two.
	status.vip = {address: '192.168.100.56', holders: []};
	expect(judgeCluster(answers, status).filter(f => !f.ok).map(f => f.name)).toEqual(['VIP 192.168.100.56 held by one balancer', 'HAProxy: leader up on 5000, replicas up on 5001']);
});

import {describe, expect, test} from 'vitest';
import {isNewServerReason, newerServer, restartReasons, restartStep, rollingRestart} from '../../source/failover/rolling-restart.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, drifts, failures, phasesThrough} from '../recipes/converge.js';
import {example, withStatsPassword} from '../answers/fixtures.js';

const base = withStatsPassword(example('compact'));
const withParameters = (parameters: Record<string, string | number | boolean>) => ({...base, postgresql: {parameters}});
const setting = (name: string, value: string, pendingRestart = false) => ({name, setting: value, pendingRestart});

describe('newerServer', () => {
	test('another build installed than runs is a reason to restart, named with both versions', () => {
		const reason = newerServer('15.18-0+deb12u1', '15.20-0+deb12u1');
		expect(reason).toBe('PostgreSQL 15.20-0+deb12u1 is installed, 15.18-0+deb12u1 runs');
		expect(isNewServerReason(reason!)).toBe(true);
		expect(isNewServerReason('shared_buffers needs a restart')).toBe(false);
	});

	test('the same build, or one side unknown, is none', () => {
		expect(newerServer('15.20-0+deb12u1', '15.20-0+deb12u1')).toBeUndefined();
		expect(newerServer(undefined, '15.20-0+deb12u1')).toBeUndefined();
		expect(newerServer('15.20-0+deb12u1', undefined)).toBeUndefined();
	});
});

describe('restartReasons', () => {
	test('a postmaster parameter running with another value needs a restart; the same value in other units does not', () => {
		const answers = withParameters({shared_buffers: '256MB', max_connections: 200, work_mem: '64MB'});
		expect(restartReasons(answers, [setting('shared_buffers', '16384'), setting('max_connections', '200'), setting('work_mem', '4096')])).toEqual(['shared_buffers needs a restart']);
		expect(restartReasons(answers, [setting('shared_buffers', '32768'), setting('max_connections', '200')])).toEqual([]);
	});

	test('a setting pg_settings marks pending_restart needs one, whoever changed it', () => {
		expect(restartReasons(base, [setting('max_worker_processes', '16', true)])).toEqual(['max_worker_processes needs a restart']);
	});

	test('a list reads the same with PostgreSQL\'s own spacing', () => {
		const answers = withParameters({shared_preload_libraries: 'pg_stat_statements,auto_explain'});
		expect(restartReasons(answers, [setting('shared_preload_libraries', 'pg_stat_statements, auto_explain')])).toEqual([]);
	});

	test('-1, which asks PostgreSQL to size a parameter itself, matches the size it chose', () => {
		expect(restartReasons(withParameters({wal_buffers: -1}), [setting('wal_buffers', '512')])).toEqual([]);
		expect(restartReasons(withParameters({wal_buffers: '16MB'}), [setting('wal_buffers', '512')])).toEqual(['wal_buffers needs a restart']);
	});

	test('nothing pending, nothing to restart', () => expect(restartReasons(base, [])).toEqual([]));
});

describe('the restart phase, on fake hosts', () => {
	const stepName = 'PostgreSQL restarted where a changed setting waits for it';
	const installed = async (answers: ReturnType<typeof withParameters>) => {
		const cluster = FakeCluster.of(answers);
		const first = await converge(cluster, answers, phasesThrough(answers, 'restart'));
		expect(failures(first.events)).toEqual([]);
		return cluster;
	};

	test('a fresh cluster starts with its parameters: nothing restarts, and a re-run restarts nothing', async () => {
		const answers = withParameters({shared_buffers: '256MB'});
		const cluster = await installed(answers);
		const again = await converge(cluster, answers, phasesThrough(answers, 'restart'));
		expect(failures(again.events)).toEqual([]);
		expect(cluster.restarts).toEqual([]);
	});

	test('repair --check says which members restart and why, the leader after a switchover, and restarts nothing', async () => {
		const cluster = await installed(withParameters({shared_buffers: '128MB'}));
		const answers = withParameters({shared_buffers: '256MB'});
		// The parameter has reached Patroni's configuration; the members still run with the old value.
		await converge(cluster, answers, phasesThrough(answers, 'pgbouncer'));
		const check = await converge(cluster, answers, phasesThrough(answers, 'restart'), 'check');
		expect(drifts(check.events).filter(d => d.step === stepName).map(d => [d.host, d.detail])).toEqual([
			['node2', ['node2 restarts: shared_buffers needs a restart']],
			['node3', ['node3 restarts: shared_buffers needs a restart']],
			['node1', ['node1 leads: after its replicas, a switchover to a healthy replica, then node1 restarts: shared_buffers needs a restart']],
		]);
		expect(cluster.restarts).toEqual([]);
	});

	test('replicas restart one at a time through patronictl, each streaming again before the next; then nothing waits there', async () => {
		const cluster = await installed(withParameters({shared_buffers: '128MB'}));
		const answers = withParameters({shared_buffers: '256MB'});
		await converge(cluster, answers, phasesThrough(answers, 'pgbouncer'));
		const replicas = [{name: 'restart' as const, summary: '', hosts: ['node2', 'node3'], serial: true, steps: () => [restartStep(answers)]}];
		const run = await converge(cluster, answers, replicas);
		expect(failures(run.events)).toEqual([]);
		expect(cluster.restarts).toEqual(['node2', 'node3']);
		expect(cluster.unknown()).toEqual([]);
		expect(run.events.filter(e => e.type === 'output' && e.host === 'node2').map(e => (e as {line: string}).line)).toContain('restart: node2 (replica) restarting');
		expect(cluster.host('node2').scripts.filter(s => s.includes(' restart --force '))).toEqual([`timeout 180 patronictl -c /etc/patroni/config.yml restart --force ${answers.cluster.name} node2`]);
		const again = await converge(cluster, answers, replicas);
		expect(again.outcome.changed).toBe(0);
		expect(cluster.restarts).toEqual(['node2', 'node3']);
	});
});

describe('rollingRestart, on fake hosts', () => {
	const answers = withParameters({shared_buffers: '128MB'});
	const installed = async () => {
		const cluster = FakeCluster.of(answers);
		const first = await converge(cluster, answers, phasesThrough(answers, 'restart'));
		expect(failures(first.events)).toEqual([]);
		return cluster;
	};
	const replicaMoves = [
		{kind: 'restart' as const, member: 'node2', role: 'replica' as const},
		{kind: 'restart' as const, member: 'node3', role: 'replica' as const},
	];

	test('restarts the replicas in order, timing each, and says so', async () => {
		const cluster = await installed();
		const lines: string[] = [];
		const report = await rollingRestart(answers, cluster.connections(), '', replicaMoves, line => lines.push(line));
		expect(report.problems).toEqual([]);
		expect(report.restarted.map(r => r.member)).toEqual(['node2', 'node3']);
		expect(cluster.restarts).toEqual(['node2', 'node3']);
		expect(lines.filter(l => !l.includes(' took '))).toEqual(['restart: node2 (replica) restarting', 'restart: node3 (replica) restarting']);
		expect(lines.filter(l => l.includes(' took '))).toHaveLength(2);
		expect(lines[1]).toMatch(/^restart: node2 took \d+\.\d s, streaming again$/);
	});

	test('a replica lagging past the limit stops it before the next restart', async () => {
		const cluster = await installed();
		cluster.replication.set('node3', `streaming|${answers.patroni.maximumLagOnFailover + 1}`);
		const report = await rollingRestart(answers, cluster.connections(), '', replicaMoves, () => {});
		expect(report.restarted).toEqual([]);
		expect(report.problems).toEqual([`node3 lags ${answers.patroni.maximumLagOnFailover + 1} bytes behind node1, more than the limit of ${answers.patroni.maximumLagOnFailover}; wait until it catches up`]);
		expect(cluster.restarts).toEqual([]);
	});

	test('the restart phase refuses on a replica that does not stream, restarting nothing', async () => {
		const cluster = await installed();
		const changed = withParameters({shared_buffers: '256MB'});
		await converge(cluster, changed, phasesThrough(changed, 'pgbouncer'));
		cluster.replication.set('node3', 'catchup|0');
		const run = await converge(cluster, changed, [{name: 'restart' as const, summary: '', hosts: ['node2', 'node3'], serial: true, steps: () => [restartStep(changed)]}]);
		expect(failures(run.events)[0]).toContain('restart of node2 refused, nothing restarted (shared_buffers needs a restart): node3 is not streaming from node1 (catchup)');
		expect(cluster.restarts).toEqual([]);
	});
});

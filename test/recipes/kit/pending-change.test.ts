import {describe, expect, test} from 'vitest';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {changedSteps, converge, drifts, failures, phasesThrough} from '../converge.js';
import {pendingPath} from '../../../recipes/kit/pending-change.js';

describe('a reload owed across runs', () => {
	test('a run that stops after rewriting a file leaves its reload owed: repair --check names it, the next run reloads once and owes nothing', async () => {
		const answers = withStatsPassword(example('compact'));
		const cluster = FakeCluster.of(answers);
		expect(failures((await converge(cluster, answers, phasesThrough(answers))).events)).toEqual([]);
		const ini = cluster.host('node2').files.get('/etc/pgbouncer/pgbouncer.ini')!;
		ini.content = ini.content.replace(/^pool_mode = .*$/m, 'pool_mode = statement');

		// The run stops after the phase that rewrites PgBouncer's files, before its service step.
		const stopped = await converge(cluster, answers, phasesThrough(answers, 'prepare'));
		expect(changedSteps(stopped.events)).toEqual(['node2: file /etc/pgbouncer/pgbouncer.ini']);
		expect(cluster.host('node2').unit('pgbouncer')).toMatchObject({reloads: 0, restarts: 0});
		expect(cluster.host('node2').files.get(pendingPath('pgbouncer'))).toMatchObject({content: 'reload\n', owner: 'root', mode: 0o600});

		const check = await converge(cluster, answers, phasesThrough(answers), 'check');
		expect(drifts(check.events).map(d => `${d.host}: ${d.step}: ${d.detail.join(' ')}`)).toEqual([
			'node2: service pgbouncer: pgbouncer is enabled, active; a reload is owed: its files changed in an earlier run that stopped before it',
		]);

		const next = await converge(cluster, answers, phasesThrough(answers));
		expect(changedSteps(next.events)).toEqual(['node2: service pgbouncer']);
		expect(cluster.host('node2').unit('pgbouncer')).toMatchObject({reloads: 1, restarts: 0});
		expect(cluster.host('node2').files.has(pendingPath('pgbouncer'))).toBe(false);
		expect((await converge(cluster, answers, phasesThrough(answers))).outcome).toMatchObject({ok: true, changed: 0});
	});
});

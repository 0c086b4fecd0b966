import {describe, expect, test} from 'vitest';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {changedSteps, converge, drifts, failures, phasesThrough} from '../converge.js';
import {owe, owed, paid, pendingPath} from '../../../recipes/kit/pending-change.js';
import type {StepContext} from '../../../recipes/kit/step.js';

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

describe('owe, owed, paid', () => {
	/** A step context over one in-memory host that records the writes. */
	const host = (left?: string) => {
		const files = new Map<string, string>(left ? [[pendingPath('patroni'), left]] : []);
		const writes: string[] = [];
		const touched = new Map<string, 'reload' | 'restart'>();
		const ctx = {
			touched,
			touch: (unit: string, how: 'reload' | 'restart') => void (touched.get(unit) !== 'restart' && touched.set(unit, how)),
			conn: {readFile: async (path: string) => files.get(path), writeFile: async (path: string, content: string) => void (files.set(path, content), writes.push(content.trim()))},
			run: async (script: string) => (script.startsWith('rm -f ') && files.delete(script.slice(6)), {code: 0, stdout: '', stderr: ''}),
		} as unknown as StepContext;
		return {ctx, files, writes};
	};

	test('a restart an earlier run left stays a restart when this run only needs a reload', async () => {
		const {ctx, writes} = host('restart\n');
		await owe(ctx, 'patroni', 'reload');
		expect(writes).toEqual([]);
		expect(await owed(ctx, 'patroni')).toBe('restart');
	});

	test('the host is written once per unit and run, again only when a reload becomes a restart; paid clears both', async () => {
		const {ctx, files, writes} = host();
		await owe(ctx, 'patroni', 'reload');
		await owe(ctx, 'patroni', 'reload');
		await owe(ctx, 'patroni', 'restart');
		expect(writes).toEqual(['reload', 'restart']);
		await paid(ctx, 'patroni');
		expect(files.size).toBe(0);
		expect(await owed(ctx, 'patroni')).toBeUndefined();
	});
});

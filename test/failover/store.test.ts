import {mkdtempSync, statSync, writeFileSync, appendFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {drillSummary, formatDrill, type DrillReport} from '../../source/failover/report.js';
import {drillsFile, latestDrills, readDrills, removeDrills, saveDrill} from '../../source/failover/store.js';

const report = (kind: DrillReport['kind'], at: string, extra: Partial<DrillReport> = {}): DrillReport => ({
	kind,
	cluster: 'produccion',
	at,
	durability: 'synchronous',
	rto: 'fast',
	failed: 'postgres1',
	leaderBefore: 'postgres1',
	leaderAfter: 'postgres2',
	vipBefore: 'haproxy1',
	vipAfter: 'haproxy1',
	writers: 4,
	acknowledged: 1000,
	lost: 0,
	pauseMs: 17_000,
	resumedAfterMs: 17_400,
	expectedWorstMs: 27_000,
	rejoinedAfterMs: 9_000,
	rewound: false,
	failedStatements: 120,
	problems: [],
	...extra,
});

describe('drill reports', () => {
	test('are kept 0600 beside the saved cluster; the latest of each kind comes first, newest first', () => {
		const env = {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-drills-'))};
		saveDrill(report('crash', '2026-11-30T10:00:00.000Z'), env);
		saveDrill(report('vip', '2026-11-30T11:00:00.000Z'), env);
		saveDrill(report('crash', '2026-11-30T12:00:00.000Z', {lost: 3}), env);
		expect(statSync(drillsFile('produccion', env)).mode & 0o777).toBe(0o600);
		expect(readDrills('produccion', env)).toHaveLength(3);
		expect(latestDrills('produccion', env).map(d => [d.kind, d.at, d.lost])).toEqual([
			['crash', '2026-11-30T12:00:00.000Z', 3],
			['vip', '2026-11-30T11:00:00.000Z', 0],
		]);
		removeDrills('produccion', env);
		expect(readDrills('produccion', env)).toEqual([]);
	});

	test('a damaged line is skipped, the others are read', () => {
		const env = {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-drills-'))};
		saveDrill(report('crash', '2026-11-30T10:00:00.000Z'), env);
		appendFileSync(drillsFile('produccion', env), '{"kind": "cra\n');
		expect(readDrills('produccion', env).map(d => d.kind)).toEqual(['crash']);
		writeFileSync(drillsFile('produccion', env), '');
		expect(latestDrills('produccion', env)).toEqual([]);
	});

	test('the printed report gives the figures, and a failed drill says what went wrong', () => {
		const lines = formatDrill(report('crash', '2026-11-30T10:00:00.000Z', {lost: 2, problems: ['2 acknowledged write(s) lost with synchronous durability']}));
		expect(lines[0]).toBe('failover drill (crash of leader postgres1), synchronous/fast, 2026-11-30T10:00:00.000Z');
		expect(lines).toContain('  writes back after:   17.4 s (expected worst case 27.0 s); longest pause 17.0 s');
		expect(lines).toContain('  acknowledged writes: 1000 by 4 writers, 2 lost; 120 statement(s) failed during the pause');
		expect(lines).toContain('  VIP:                 haproxy1 -> haproxy1 (did not move)');
		expect(lines.at(-1)).toBe('  FAILED: 2 acknowledged write(s) lost with synchronous durability');
		expect(drillSummary(report('vip', '2026-11-30T10:00:00.000Z', {resumedAfterMs: undefined}))).toBe('vip 2026-11-30 10:00: passed, writes back after never, 0 acknowledged write(s) lost');
	});
});

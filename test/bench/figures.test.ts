import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {formatTable, previousRun, saveRun, thisMachine, type BenchRun} from '../../bench/figures.js';

let dir: string | undefined;
afterEach(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const run = (at: string, figures: BenchRun['figures'], machine = thisMachine()): BenchRun => ({at, commit: 'abc1234', machine, figures});

test('the table shows each figure beside the previous run and the change in percent', () => {
	const before = run('2026-11-29T10:00:00.000Z', [{name: 'no-op re-run', value: 10, unit: 's'}, {name: 'validate', value: 250, unit: 'ms'}]);
	const now = run('2026-11-30T10:00:00.000Z', [{name: 'no-op re-run', value: 2.5, unit: 's'}, {name: 'validate', value: 275, unit: 'ms'}, {name: 'new figure', value: 12.34, unit: '%'}]);
	const lines = formatTable(now, before).split('\n');
	expect(lines[0]).toMatch(/^machine: .+, \d+ cores, \d+ GiB, Node v\d+/);
	expect(lines[1]).toMatch(/^figure +value +previous \(2026-11-29T10:00 abc1234\) +change$/);
	expect(lines[3]).toMatch(/^no-op re-run +2\.5 s +10\.0 s +-75\.0 %$/);
	expect(lines[4]).toMatch(/^validate +275 ms +250 ms +\+10\.0 %$/);
	expect(lines[5]).toMatch(/^new figure +12\.3 %$/);
});

test('figures from another machine are not compared', () => {
	const other = run('2026-11-29T10:00:00.000Z', [{name: 'validate', value: 250, unit: 'ms'}], {...thisMachine(), cpu: 'Another CPU'});
	const text = formatTable(run('2026-11-30T10:00:00.000Z', [{name: 'validate', value: 275, unit: 'ms'}]), other);
	expect(text.split('\n')[0]).toContain('the previous run was on another machine: not compared');
	expect(text).not.toContain('250 ms');
});

test('each run is saved beside the earlier ones, and the newest earlier one is the previous', () => {
	dir = mkdtempSync(join(tmpdir(), 'pgha-bench-'));
	expect(previousRun(dir)).toBeUndefined();
	saveRun(dir, [{name: 'validate', value: 300, unit: 'ms'}], dir, new Date('2026-11-29T10:00:00Z'));
	saveRun(dir, [{name: 'validate', value: 250, unit: 'ms'}], dir, new Date('2026-11-30T10:00:00Z'));
	expect(previousRun(dir)?.figures).toEqual([{name: 'validate', value: 250, unit: 'ms'}]);
	expect(previousRun(dir)?.machine).toEqual(thisMachine());
});

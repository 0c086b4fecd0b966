import {expect, test} from 'vitest';
import {formatTable, thisMachine} from '../../bench/figures.js';
import {growthFigures, growthLine, growthMemoryLine, growthTopologies, type GrowthPoint} from '../../bench/growth.js';
import {availableMemory, memoryInUseMB} from '../../bench/lab-run.js';

const seed: GrowthPoint = {topology: 'seed', hosts: 9, installMs: 90_388, noopMs: 12_506, checkMs: 9_050, checkCode: 0, memoryMB: 3100};
const compact: GrowthPoint = {topology: 'compact', hosts: 3, installMs: 61_000, noopMs: 8_040, checkMs: 5_120, checkCode: 0, memoryMB: 1200};
const large: GrowthPoint = {topology: 'large', hosts: 15, installMs: 131_960, noopMs: 19_900, checkMs: 14_010, checkCode: 0, memoryMB: 5400};

test('the growth bench measures compact and large itself; the seed comes from its install bench', () => {
	expect(growthTopologies).toEqual(['compact', 'large']);
});

test('one figure per kind and topology, grouped by kind and in order of hosts, whatever order they were measured in', () => {
	const figures = growthFigures([seed, large, compact]);
	expect(figures.map(f => f.name)).toEqual([
		'install (compact, 3 hosts)',
		'install (seed, 9 hosts)',
		'install (large, 15 hosts)',
		'no-op re-run (compact, 3 hosts)',
		'no-op re-run (seed, 9 hosts)',
		'no-op re-run (large, 15 hosts)',
		'repair --check (compact, 3 hosts)',
		'repair --check (seed, 9 hosts)',
		'repair --check (large, 15 hosts)',
		'memory in use, lab installed (compact, 3 hosts)',
		'memory in use, lab installed (seed, 9 hosts)',
		'memory in use, lab installed (large, 15 hosts)',
	]);
	expect(figures[1]).toEqual({name: 'install (seed, 9 hosts)', value: 90.388, unit: 's'});
	expect(figures.at(-1)).toEqual({name: 'memory in use, lab installed (large, 15 hosts)', value: 5400, unit: 'MB'});
});

test('the growth line reads the three sizes side by side', () => {
	expect(growthLine([large, seed, compact])).toBe('hosts 3 / 9 / 15: install 61.0 / 90.4 / 132.0 s, no-op 8.0 / 12.5 / 19.9 s, repair --check 5.1 / 9.1 / 14.0 s');
	expect(growthMemoryLine([large, seed, compact])).toBe('hosts 3 / 9 / 15: memory in use with the lab installed 1.2 / 3.1 / 5.4 GB');
});

test('with the growth part skipped (PGHA_BENCH_GROWTH=0) the seed alone still has its figures and its line', () => {
	expect(growthLine([seed])).toBe('hosts 9: install 90.4 s, no-op 12.5 s, repair --check 9.1 s');
	expect(growthFigures([seed]).map(f => f.name)).toEqual(['install (seed, 9 hosts)', 'no-op re-run (seed, 9 hosts)', 'repair --check (seed, 9 hosts)', 'memory in use, lab installed (seed, 9 hosts)']);
});

test('a topology without a memory reading has no memory figure, and no memory line is printed', () => {
	const {memoryMB: _, ...unread} = large;
	expect(growthFigures([unread]).map(f => f.name)).not.toContain('memory in use, lab installed (large, 15 hosts)');
	expect(growthMemoryLine([seed, unread])).toBeUndefined();
	expect(growthMemoryLine([])).toBeUndefined();
});

test('memory in use is MemTotal less MemAvailable, in MB', () => {
	const meminfo = 'MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\nBuffers:          100 kB\n';
	expect(memoryInUseMB(meminfo)).toBeCloseTo((4_000_000 * 1024) / 1e6);
	expect(availableMemory(meminfo)).toBe('19.1 GiB');
	expect(memoryInUseMB('nothing useful')).toBeUndefined();
	expect(availableMemory('nothing useful')).toBe('unknown');
});

test('the bench table names the machine first, and the growth figures compare by name with the previous run', () => {
	const at = (when: string, figures: ReturnType<typeof growthFigures>) => ({at: when, commit: 'abc1234', machine: thisMachine(), figures});
	const lines = formatTable(at('2026-12-02T10:00:00.000Z', growthFigures([compact, seed, large])), at('2026-12-01T10:00:00.000Z', growthFigures([{...large, installMs: 120_000}]))).split('\n');
	expect(lines[0]).toMatch(/^machine: .+, \d+ cores, \d+ GiB, Node v\d+/);
	expect(lines.find(line => line.startsWith('install (large, 15 hosts)'))).toMatch(/132\.0 s +120\.0 s +\+10\.0 %$/);
	expect(lines.find(line => line.startsWith('install (compact, 3 hosts)'))).toMatch(/61\.0 s$/);
});

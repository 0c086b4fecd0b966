import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import {busyShare, median, parseCpuLine, phaseTimes, sampleCpu, spread} from '../../bench/lab-run.js';

test("a /proc/stat cpu line gives busy and total ticks; idle and iowait are not busy", () => {
	// user nice system idle iowait irq softirq steal guest guest_nice
	expect(parseCpuLine('cpu  100 5 50 800 40 3 2 0 0 0')).toEqual({busy: 160, total: 1000});
	expect(parseCpuLine('cpu  nothing')).toBeUndefined();
	expect(parseCpuLine('')).toBeUndefined();
});

test('the busy share between two instants comes from the first and last samples inside them', () => {
	const samples = [
		{at: 1_000, busy: 0, total: 0},
		{at: 2_000, busy: 100, total: 200},
		{at: 3_000, busy: 300, total: 400},
		{at: 4_000, busy: 300, total: 600},
	];
	// 2 000 to 3 000: 200 busy ticks of 200.
	expect(busyShare(samples, 1_500, 3_500)).toBe(1);
	expect(busyShare(samples, 1_000, 4_000)).toBe(0.5);
	// One sample inside says nothing.
	expect(busyShare(samples, 3_500, 4_500)).toBeUndefined();
});

test('phase times carry when each phase started and ended', () => {
	const log = ['2026-12-01T17:00:00.000Z == packages (a, b)', '2026-12-01T17:00:44.500Z == packages done'].join('\n');
	expect(phaseTimes(log)).toEqual([{phase: 'packages', ms: 44_500, start: Date.parse('2026-12-01T17:00:00.000Z'), end: Date.parse('2026-12-01T17:00:44.500Z')}]);
});

test('the sampler reads this machine while a synchronous run holds the event loop', async () => {
	const sampler = sampleCpu(join(mkdtempSync(join(tmpdir(), 'pgha-cpu-')), 'samples'));
	const until = Date.now() + 1_300;
	while (Date.now() < until) {
		// Busy on purpose, as spawnSync would hold the loop.
	}
	const samples = sampler.stop();
	expect(samples.length).toBeGreaterThanOrEqual(2);
	expect(samples.every(s => s.total > 0 && s.busy <= s.total)).toBe(true);
	expect(busyShare(samples, samples[0]!.at, samples.at(-1)!.at)).toBeGreaterThan(0);
});

test('a repeated run is told by its median and its spread', () => {
	expect(median([3, 1, 2])).toBe(2);
	expect(median([4, 1, 3, 2])).toBe(2.5);
	expect(spread({ms: 3_100, all: [3_400, 2_900, 3_100, 3_000, 3_200]})).toBe('3.1 s (2.9-3.4 s, 5 runs)');
});

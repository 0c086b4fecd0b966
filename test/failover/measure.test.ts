import {describe, expect, test} from 'vitest';
import {commitKey, failuresOutside, lostCommits, writePause} from '../../source/failover/measure.js';
import type {WriterLog} from '../../source/failover/writers.js';

const log = (times: number[], stoppedAt = 10_000): WriterLog => ({startedAt: 0, stoppedAt, commits: times.map((at, i) => ({writer: 1, seq: i + 1, at})), failures: []});

describe('writePause', () => {
	test('the pause runs from the last commit before the fault to the first after the longest gap', () => {
		const pause = writePause(log([100, 200, 300, 2_300, 2_400, 2_500]), 350);
		expect(pause).toEqual({from: 300, to: 2_300, ms: 2_000, resumedAfterMs: 1_950});
	});

	test('a longer gap later than the first one after the fault is the pause', () => {
		// Writes kept going on the old leader for a while, then stopped until the new one served.
		const pause = writePause(log([100, 500, 900, 1_000, 5_000, 5_100]), 400);
		expect(pause.from).toBe(1_000);
		expect(pause.to).toBe(5_000);
		expect(pause.resumedAfterMs).toBe(4_600);
	});

	test('writes that never came back give no resume time and a pause to the end of the run', () => {
		const pause = writePause(log([100, 200], 9_000), 250);
		expect(pause.resumedAfterMs).toBeUndefined();
		expect(pause.ms).toBe(8_800);
	});
});

describe('lostCommits', () => {
	test('an acknowledged commit the table lacks is lost; the others are not', () => {
		const commits = [
			{writer: 1, seq: 1, at: 1},
			{writer: 1, seq: 2, at: 2},
			{writer: 2, seq: 1, at: 3},
		];
		expect(lostCommits(commits, new Set([commitKey(1, 1), commitKey(2, 1)]))).toEqual([{writer: 1, seq: 2, at: 2}]);
	});
});

describe('failuresOutside', () => {
	test('failures in flight during the window (with slack) are expected; one issued after it is reported', () => {
		const failures = [
			{writer: 1, issued: 1_050, at: 1_100, message: 'x'},
			{writer: 2, issued: 2_300, at: 2_400, message: 'y'},
			{writer: 1, issued: 3_900, at: 4_000, message: 'z'},
		];
		expect(failuresOutside(failures, {from: 1_000, to: 2_000}).map(f => f.message)).toEqual(['z']);
	});

	test('a statement issued inside the pause that times out after it ended is the pause\'s', () => {
		const failures = [{writer: 1, issued: 1_900, at: 3_900, message: 'timeout expired'}];
		expect(failuresOutside(failures, {from: 1_000, to: 2_000})).toEqual([]);
	});

	test('a statement that failed before the pause began is outside it', () => {
		const failures = [{writer: 1, issued: 100, at: 300, message: 'terminated'}];
		expect(failuresOutside(failures, {from: 1_000, to: 2_000}).map(f => f.message)).toEqual(['terminated']);
	});
});

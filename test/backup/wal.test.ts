import {describe, expect, it} from 'vitest';
import {isWalName, walRange, walTimeline} from '../../source/backup/wal.js';

describe('WAL segment names', () => {
	it('tells a segment name from a history or backup file name', () => {
		expect(isWalName('00000002000000000000000A')).toBe(true);
		expect(isWalName('00000002.history')).toBe(false);
		expect(isWalName('00000002000000000000000a')).toBe(false);
	});

	it('reads the timeline from the first 8 hex digits', () => {
		expect(walTimeline('000000010000000000000004')).toBe(1);
		expect(walTimeline('0000001A00000003000000FF')).toBe(26);
	});

	it('names every segment between two, across a log boundary (256 segments of 16 MiB a log)', () => {
		expect(walRange('0000000200000000000000FE', '000000020000000100000001')).toEqual([
			'0000000200000000000000FE',
			'0000000200000000000000FF',
			'000000020000000100000000',
			'000000020000000100000001',
		]);
		expect(walRange('00000001000000000000000A', '00000001000000000000000A')).toEqual(['00000001000000000000000A']);
	});

	it('gives up (only the ends can be checked) across timelines, backwards or past the limit', () => {
		expect(walRange('000000010000000000000009', '00000002000000000000000A')).toBeUndefined();
		expect(walRange('00000001000000000000000A', '000000010000000000000009')).toBeUndefined();
		expect(walRange('000000010000000000000000', '000000010000000A00000000', 100)).toBeUndefined();
		expect(walRange('000000010000000000000000', '000000010000000000000063', 100)).toHaveLength(100);
	});
});

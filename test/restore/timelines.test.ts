import {describe, expect, it} from 'vitest';
import {backupServes, lsnValue, parseHistory, timelineAt, type Timeline} from '../../source/restore/timelines.js';

// Timeline 1 ran until a restore at 05:53:32 went back to 0/7000000 (timeline 2), which Patroni promoted again (3).
const timelines: Timeline[] = [
	{id: 2, createdAt: new Date('2026-12-01T04:53:32Z'), ancestry: parseHistory('1\t0/7000000\tbefore 2026-12-01 04:52:56.948+00\n')},
	{id: 3, createdAt: new Date('2026-12-01T04:53:35Z'), ancestry: parseHistory('1\t0/7000000\tbefore 2026-12-01 04:52:56.948+00\n2\t0/80000A0\tno recovery target specified\n')},
];

describe('timelines', () => {
	it('parses history files, skipping comments', () => {
		expect(parseHistory('# comment\n1\t0/3000148\tno recovery target specified\n\n2\t0/5ABC\tbefore 2026-12-01\n')).toEqual([
			{timeline: 1, switchLsn: '0/3000148', reason: 'no recovery target specified'},
			{timeline: 2, switchLsn: '0/5ABC', reason: 'before 2026-12-01'},
		]);
	});

	it('compares LSNs by value, not as text', () => {
		expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
		expect(lsnValue('0/A0') > lsnValue('0/9F')).toBe(true);
	});

	it('finds the timeline a moment was written on, an abandoned one included', () => {
		expect(timelineAt(timelines, new Date('2026-12-01T04:53:01Z'))).toBe(1);
		expect(timelineAt(timelines, new Date('2026-12-01T04:53:33Z'))).toBe(2);
		expect(timelineAt(timelines, new Date('2026-12-01T05:00:00Z'))).toBe(3);
		expect(timelineAt([], new Date())).toBe(1);
	});

	it('takes a backup for a timeline only when it ends before the history left its timeline', () => {
		expect(backupServes({timeline: 1, lsnStop: '0/5000100'}, 3, timelines)).toBe(true);
		expect(backupServes({timeline: 1, lsnStop: '0/7000100'}, 3, timelines)).toBe(false);
		expect(backupServes({timeline: 1, lsnStop: '0/7000100'}, 1, timelines)).toBe(true);
		expect(backupServes({timeline: 3, lsnStop: '0/9000000'}, 1, timelines)).toBe(false);
	});
});

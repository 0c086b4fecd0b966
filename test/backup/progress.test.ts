import {describe, expect, it} from 'vitest';
import {advance, newTenth, noProgress, parseProgressLine, parseSize, progressLine, tenthLine} from '../../source/backup/progress.js';
import {fullBackupOutput} from './fixtures.js';

describe('parseSize', () => {
	it('reads pgBackRest sizes in powers of 1024', () => {
		expect(['0B', '8B', '768KB', '19.5MB', '26MB', '1.2GB', '2TB'].map(parseSize)).toEqual([0, 8, 786432, 20447232, 27262976, 1288490189, 2199023255552]);
		expect(parseSize('19.5 MB')).toBeUndefined();
		expect(parseSize('MB')).toBeUndefined();
	});
});

describe('parseProgressLine', () => {
	it('reads the size and overall percentage of a file line from the repository host', () => {
		expect(
			parseProgressLine('2026-12-01 04:44:28.974 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/16384 (19.5MB, 46.86%) checksum a19aa16c7d5d0e5a9fb116a6144119721ec235b6'),
		).toEqual({bytes: 20447232, percent: 46.86});
		// An empty file has no checksum.
		expect(parseProgressLine('2026-12-01 04:44:29.705 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/3596 (0B, 100.00%)')).toEqual({bytes: 0, percent: 100});
	});

	it('counts files matched from the prior backup or resumed, and the forms of other versions', () => {
		expect(parseProgressLine('2024-05-01 10:00:00.000 P02 DETAIL: match file from prior backup 10.0.0.1:/data/patroni/PG_VERSION (3B, 0.01%) checksum dd71038f3463f511ee7403dbcbc87195302d891c')).toEqual({bytes: 3, percent: 0.01});
		expect(parseProgressLine('2024-05-01 10:00:00.000 P01 DETAIL: checksum resumed file /data/patroni/base/1/1255 (768KB, 12.50%) checksum 8360536179843f66773723fc562442ebe12e1b00')).toEqual({bytes: 786432, percent: 12.5});
		expect(parseProgressLine('2019-09-04 16:41:21.213 P01 DETAIL: match file from prior backup /database/11/main/base/51435/51488 (546.3MB, 20%) checksum 5eb4f73d9b1c535ebfdfb622d930dade87e23786')).toEqual({bytes: 572837069, percent: 20});
		expect(parseProgressLine('2024-05-01 10:00:00.000 P01 DETAIL: backup file /data/patroni/base/1/2619 (bundle 1/16384, 8KB, 3.21%) checksum ade73c4b52534bc1f005b2dd08035e7e7ffb613a')).toEqual({bytes: 8192, percent: 3.21});
		expect(parseProgressLine('2024-05-01 10:00:00.000 P01 DETAIL: backup file /data/patroni/base/1/2619 (16KB->8KB, 3.21%) checksum ade73c4b52534bc1f005b2dd08035e7e7ffb613a')).toEqual({bytes: 8192, percent: 3.21});
	});

	it('ignores every other line', () => {
		for (const line of [
			'2026-12-01 04:44:36.386 P00 DETAIL: reference pg_data/base/1/112 to 20261201-044427F',
			'2026-12-01 04:44:30.189 P00   INFO: full backup size = 41.7MB, file total = 967',
			'2026-12-01 04:44:27.667 P00   INFO: backup start archive = 000000010000000000000004, lsn = 0/4000028',
			'ERROR: [050]: unable to acquire lock on file \'/tmp/pgbackrest/produccion-backup.lock\': Resource temporarily unavailable',
			'2026-12-01 04:44:29.000 P01 DETAIL: backup file /data/patroni/odd (8KB, 101.00%) checksum 00',
		])
			expect(parseProgressLine(line)).toBeUndefined();
	});
});

describe('following a backup', () => {
	const lines = fullBackupOutput.split('\n');

	it('adds the files up and keeps the latest percentage', () => {
		const end = lines.reduce(advance, noProgress);
		expect(end.files).toBe(lines.filter(line => line.includes('DETAIL: backup file')).length);
		expect(end.percent).toBe(100);
		expect(end.bytes).toBe(20447232 + 65536 + 3 * 24576 + 2 * 16384 + 7 * 8192);
		// Files finish out of order across processes; the percentage never goes back.
		expect(advance({percent: 50, bytes: 1, files: 1}, 'P02 DETAIL: backup file /x (1KB, 49.00%) checksum 0a')).toEqual({percent: 50, bytes: 1025, files: 2});
	});

	it('reports each tenth reached once: at most one plain line per 10 %', () => {
		let reported = 0;
		const shown: number[] = [];
		for (const progress of lines.map((_, i) => lines.slice(0, i + 1).reduce(advance, noProgress))) {
			const tenth = newTenth(reported, progress.percent);
			if (tenth !== undefined) shown.push((reported = tenth));
		}
		// The first file done is at 46.86 %: 10, 20 and 30 % never come.
		expect(shown).toEqual([4, 7, 8, 9, 10]);
	});

	it('draws the terminal line and the plain lines', () => {
		expect(progressLine('full', {percent: 46.86, bytes: 20447232, files: 1}, 2_500)).toBe('backup full   46.9 % [#########-----------]  19.5 MiB  3 s');
		expect(tenthLine('incr', 4, {percent: 46.86, bytes: 20447232, files: 1}, 252_000)).toBe('backup incr: 40 % (19.5 MiB in 1 file, 4 min 12 s)');
	});
});

import {describe, expect, it} from 'vitest';
import {buildCatalog, parseStanzaInfo} from '../../source/backup/catalog.js';
import {formatBackups, formatBytes, formatDuration, formatTime} from '../../source/backup/format-backups.js';
import {parseArchiveListing} from '../../recipes/pgbackrest/archive.js';
import {archiveListingText, infoJson} from './fixtures.js';

const where = {cluster: 'produccion', host: 'pgbackrestRepo', ip: '192.168.100.9'};

describe('units', () => {
	it('bytes in powers of 1024, durations and times to the second', () => {
		expect([0, 1023, 1024, 11294128, 458741840, 3 * 1024 ** 4].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '10.8 MiB', '437.5 MiB', '3.0 TiB']);
		expect([3, 59.6, 252, 7620].map(formatDuration)).toEqual(['3 s', '1 min 00 s', '4 min 12 s', '2 h 07 min']);
		expect(formatTime('2026-12-01T04:44:59.221Z')).toBe('2026-12-01T04:44:59Z');
	});
});

describe('formatBackups', () => {
	it('the restorable window and the archive first, then a row per backup with its WAL and LSN under it', () => {
		const text = formatBackups(buildCatalog(parseStanzaInfo(infoJson, 'produccion'), parseArchiveListing(archiveListingText)), where);
		const lines = text.split('\n');
		expect(lines.slice(0, 3)).toEqual([
			'cluster produccion: pgBackRest stanza produccion on pgbackrestRepo (192.168.100.9): ok',
			'restorable: any moment from 2026-12-01T04:44:30Z to 2026-12-01T04:44:59Z (UTC)',
			'archive: 14 WAL segments (timelines 1, 2), 21.5 MiB; the newest, 00000002000000000000000C, reached the repository 2026-12-01T04:44:59Z',
		]);
		const header = lines.findIndex(line => line.startsWith('LABEL'));
		expect(lines[header]!.split(/\s{2,}/)).toEqual(['LABEL', 'TYPE', 'STARTED (UTC)', 'STOPPED (UTC)', 'SIZE', 'IN REPO', 'TL', 'RESTORES TO (UTC)']);
		expect(lines[header + 1]!.split(/\s{2,}/)).toEqual(['20261201-044427F', 'full', '2026-12-01T04:44:27Z', '2026-12-01T04:44:30Z', '41.7 MiB', '10.8 MiB', '1', '2026-12-01T04:44:59Z']);
		expect(lines[header + 2]).toBe('    wal 000000010000000000000004 .. 000000010000000000000004   lsn 0/4000028 .. 0/4000100');
		expect(lines[header + 7]!.split(/\s{2,}/)).toEqual(['20261201-044427F_20261201-044456I', 'incr', '2026-12-01T04:44:56Z', '2026-12-01T04:44:58Z', '51.7 MiB', '10.9 MiB', '2', '2026-12-01T04:44:59Z']);
		expect(lines[header + 8]).toBe('    wal 00000002000000000000000A .. 00000002000000000000000B   lsn 0/A000028 .. 0/B000050');
		expect(text).not.toContain('NOT RESTORABLE');
	});

	it('names a backup that cannot be restored and the segments it misses', () => {
		const listing = archiveListingText
			.split('\n')
			.filter(line => !line.includes('/000000010000000000000006-'))
			.join('\n');
		const text = formatBackups(buildCatalog(parseStanzaInfo(infoJson, 'produccion'), parseArchiveListing(listing)), where);
		expect(text).toMatch(/^20261201-044427F_20261201-044434I\s+incr\s.*NOT RESTORABLE$/m);
		expect(text).toContain('    NOT RESTORABLE: 1 WAL segment(s) it needs are not in the archive: 000000010000000000000006');
	});

	it('an empty repository says how to take the first backup', () => {
		const fresh = {...parseStanzaInfo(infoJson, 'produccion'), status: {code: 2, message: 'no valid backups'}, backup: [], archive: [{id: '15-1', min: null, max: null, database: {id: 1}}]};
		expect(formatBackups(buildCatalog(fresh, []), where).split('\n')).toEqual([
			'cluster produccion: pgBackRest stanza produccion on pgbackrestRepo (192.168.100.9): no valid backups',
			'restorable: nothing',
			'archive: 0 WAL segments, 0 B',
			'',
			'no backups yet: `pgha backup` takes the first full one',
		]);
	});
});

import {describe, expect, it} from 'vitest';
import {buildCatalog, parseStanzaInfo, type StanzaInfo} from '../../source/backup/catalog.js';
import {parseArchiveListing} from '../../recipes/pgbackrest/archive.js';
import {archiveListingText, infoJson} from './fixtures.js';

const info = () => parseStanzaInfo(infoJson, 'produccion');
const files = (text = archiveListingText) => parseArchiveListing(text);
const without = (segment: string) =>
	archiveListingText
		.split('\n')
		.filter(line => !line.includes(`/${segment}-`))
		.join('\n');

describe('parseStanzaInfo', () => {
	it('reads the stanza of a real pgBackRest 2.45 info', () => {
		const stanza = info();
		expect(stanza.name).toBe('produccion');
		expect(stanza.status).toEqual({code: 0, message: 'ok', lock: {backup: {held: false}}});
		expect(stanza.archive).toEqual([{id: '15-1', min: '000000010000000000000001', max: '00000002000000000000000C', database: {id: 1}}]);
		expect(stanza.backup.map(b => `${b.type} ${b.label}`)).toEqual([
			'full 20261201-044427F',
			'incr 20261201-044427F_20261201-044434I',
			'diff 20261201-044427F_20261201-044445D',
			'incr 20261201-044427F_20261201-044456I',
		]);
	});

	it('says what it could not read, naming the field', () => {
		expect(() => parseStanzaInfo('ERROR: [055]: unable to open missing file', 'produccion')).toThrow(/did not print JSON: ERROR: \[055\]/);
		expect(() => parseStanzaInfo(infoJson, 'otra')).toThrow('does not list the stanza "otra"');
		const value = JSON.parse(infoJson) as Array<{backup: Array<{info: Record<string, unknown>}>}>;
		delete value[0]!.backup[1]!.info['repository'];
		expect(() => parseStanzaInfo(JSON.stringify(value), 'produccion')).toThrow(/does not understand: backup\.1\.info\.repository: /);
	});
});

describe('buildCatalog', () => {
	it('gives each backup its ranges and the span it restores to: its stop to the newest archived WAL', () => {
		const catalog = buildCatalog(info(), files());
		const newest = '2026-12-01T04:44:59.221Z';
		expect(catalog.backups[0]).toEqual({
			label: '20261201-044427F',
			type: 'full',
			prior: null,
			references: [],
			start: '2026-12-01T04:44:27.000Z',
			stop: '2026-12-01T04:44:30.000Z',
			durationSeconds: 3,
			sizeBytes: 43702069,
			deltaBytes: 43702069,
			repositorySizeBytes: 11294128,
			repositoryDeltaBytes: 11294128,
			wal: {start: '000000010000000000000004', stop: '000000010000000000000004'},
			lsn: {start: '0/4000028', stop: '0/4000100'},
			timeline: 1,
			archiveId: '15-1',
			checksumErrors: false,
			missingWalCount: 0,
			missingWal: [],
			restorable: {earliest: '2026-12-01T04:44:30.000Z', latest: newest},
		});
		expect(catalog.backups.map(b => [b.label, b.timeline, b.restorable?.earliest, b.restorable?.latest])).toEqual([
			['20261201-044427F', 1, '2026-12-01T04:44:30.000Z', newest],
			['20261201-044427F_20261201-044434I', 1, '2026-12-01T04:44:36.000Z', newest],
			['20261201-044427F_20261201-044445D', 1, '2026-12-01T04:44:47.000Z', newest],
			['20261201-044427F_20261201-044456I', 2, '2026-12-01T04:44:58.000Z', newest],
		]);
		expect(catalog.backups[3]).toMatchObject({prior: '20261201-044427F_20261201-044445D', references: ['20261201-044427F', '20261201-044427F_20261201-044445D'], repositoryDeltaBytes: 11421200});
		expect(catalog.restorable).toEqual({earliest: '2026-12-01T04:44:30.000Z', latest: newest});
	});

	it('sums the archive: segments of both timelines, every file size, the history file timeline', () => {
		const {archive, status, backupRunning, stanza} = buildCatalog(info(), files());
		expect({stanza, status, backupRunning}).toEqual({stanza: 'produccion', status: {code: 0, message: 'ok'}, backupRunning: false});
		expect(archive).toEqual({
			segments: 14,
			sizeBytes: 22594976,
			timelines: [1, 2],
			ids: [
				{
					id: '15-1',
					databaseId: 1,
					min: '000000010000000000000001',
					max: '00000002000000000000000C',
					segments: 14,
					sizeBytes: 22594976 - 2 * 368,
					newestSegment: '00000002000000000000000C',
					oldestAt: '2026-12-01T04:44:25.665Z',
					newestAt: '2026-12-01T04:44:59.221Z',
				},
			],
		});
	});

	it('a backup missing a segment it needs cannot be restored; the others still can', () => {
		const catalog = buildCatalog(info(), files(without('000000010000000000000006')));
		const [full, incr] = catalog.backups;
		expect(incr).toMatchObject({missingWalCount: 1, missingWal: ['000000010000000000000006'], restorable: null});
		expect(full!.restorable).not.toBeNull();
		expect(catalog.restorable?.earliest).toBe('2026-12-01T04:44:30.000Z');
	});

	it('checks the segments between a backup start and stop, not only its ends', () => {
		const stanza = info();
		stanza.backup[3]!.archive.stop = '00000002000000000000000C';
		expect(buildCatalog(stanza, files()).backups[3]!.restorable).not.toBeNull();
		const catalog = buildCatalog(stanza, files(without('00000002000000000000000B')));
		expect(catalog.backups[3]).toMatchObject({missingWalCount: 1, missingWal: ['00000002000000000000000B'], restorable: null});
	});

	it('a partial segment of a promoted node does not count as the segment', () => {
		const partial = '1796100300.0 16384 15-1/0000000100000000/000000010000000000000006.partial-8da5566d56862ea7dc28ae78c968ea876ddd97aa.gz';
		const catalog = buildCatalog(info(), files(`${without('000000010000000000000006')}\n${partial}\n`));
		expect(catalog.backups[1]!.restorable).toBeNull();
		expect(catalog.archive.segments).toBe(13);
	});

	it('a fresh stanza: no backups, nothing archived, nothing restorable', () => {
		const fresh: StanzaInfo = {...info(), status: {code: 2, message: 'no valid backups', lock: {backup: {held: false}}}, archive: [{id: '15-1', min: null, max: null, database: {id: 1}}], backup: []};
		const catalog = buildCatalog(fresh, files('1796100299.0 368 archive.info\n1796100299.0 368 archive.info.copy\n'));
		expect(catalog).toEqual({
			stanza: 'produccion',
			status: {code: 2, message: 'no valid backups'},
			backupRunning: false,
			restorable: null,
			archive: {
				segments: 0,
				sizeBytes: 736,
				timelines: [],
				ids: [{id: '15-1', databaseId: 1, min: null, max: null, segments: 0, sizeBytes: 0, newestSegment: null, oldestAt: null, newestAt: null}],
			},
			backups: [],
		});
	});

	it('says when a backup runs, and which backup had page checksum errors', () => {
		const stanza = info();
		stanza.status.lock = {backup: {held: true}};
		stanza.backup[2]!.error = true;
		const catalog = buildCatalog(stanza, files());
		expect(catalog.backupRunning).toBe(true);
		expect(catalog.backups.map(b => b.checksumErrors)).toEqual([false, false, true, false]);
	});

	it('after a PostgreSQL upgrade each backup restores to the newest WAL of its own archive', () => {
		const stanza = info();
		stanza.archive = [
			{id: '14-1', min: '000000010000000000000001', max: '00000001000000000000000A', database: {id: 1}},
			{id: '15-2', min: '000000010000000000000001', max: '000000010000000000000002', database: {id: 2}},
		];
		stanza.backup = [
			{...stanza.backup[0]!, database: {id: 1}},
			{...stanza.backup[0]!, label: '20261202-050000F', timestamp: {start: 1796187600, stop: 1796187610}, archive: {start: '000000010000000000000002', stop: '000000010000000000000002'}, database: {id: 2}},
		];
		const listing = `${archiveListingText.replaceAll('15-1/', '14-1/')}1796187620.5 16496 15-2/0000000100000000/000000010000000000000002-774a362a0ddba8dee6b85530431698fcc204f20b.gz\n`;
		const catalog = buildCatalog(stanza, files(listing));
		expect(catalog.backups.map(b => [b.archiveId, b.restorable?.latest])).toEqual([
			['14-1', '2026-12-01T04:44:59.221Z'],
			['15-2', '2026-12-02T05:00:20.500Z'],
		]);
		expect(catalog.restorable).toEqual({earliest: '2026-12-01T04:44:30.000Z', latest: '2026-12-02T05:00:20.500Z'});
	});
});

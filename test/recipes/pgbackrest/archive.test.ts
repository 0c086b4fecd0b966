import {mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {archiveDirectory, archiveListing, parseArchiveListing} from '../../../recipes/pgbackrest/archive.js';
import {locations} from '../../../recipes/kit/locations.js';
import {archiveListingText} from '../../backup/fixtures.js';
import {skipOrFail} from '../../strict.js';
import {findTool, run} from '../tool-helpers.js';

const produccion = {cluster: {name: 'produccion', postgresVersion: 15}} as const;

describe('the WAL archive listing', () => {
	it('lists the stanza archive directory under the repository path', () => {
		expect(archiveDirectory(produccion)).toBe('/var/lib/pgbackrest/archive/produccion');
		expect(archiveListing(produccion)).toContain(`find /var/lib/pgbackrest/archive/produccion -type f -printf '%T@ %s %P\\n'`);
	});

	it('classifies every file pgBackRest 2.45 left in a real archive', () => {
		const files = parseArchiveListing(archiveListingText);
		expect(files).toHaveLength(21);
		const count = (kind: string) => files.filter(f => f.kind === kind).length;
		expect({segment: count('segment'), backup: count('backup'), history: count('history'), info: count('info'), other: count('other')}).toEqual({
			segment: 14,
			backup: 4,
			history: 1,
			info: 2,
			other: 0,
		});
		expect(files.find(f => f.path === '15-1/00000002.history')).toEqual({
			path: '15-1/00000002.history',
			sizeBytes: 64,
			modifiedMs: 1796100290769,
			archiveId: '15-1',
			kind: 'history',
			timeline: 2,
		});
		expect(files.at(-1)).toEqual({
			path: '15-1/0000000200000000/00000002000000000000000C-437fffea22fd13028a01de717364727d0e26bde4.gz',
			sizeBytes: 17808,
			modifiedMs: 1796100299221,
			archiveId: '15-1',
			kind: 'segment',
			wal: '00000002000000000000000C',
		});
		// The backup history file names its segment but is not one.
		expect(files.find(f => f.path === '15-1/0000000200000000/00000002000000000000000A.00000028.backup')).toMatchObject({kind: 'backup', wal: '00000002000000000000000A'});
		expect(files.find(f => f.path === 'archive.info')).toEqual({path: 'archive.info', sizeBytes: 368, modifiedMs: 1796100299013, kind: 'info'});
	});

	it('keeps a promoted node partial segment and other compression apart from the segments', () => {
		const files = parseArchiveListing(
			[
				'1796100293.1 16384 15-1/0000000100000000/000000010000000000000009.partial-0903d1a11567e32b9d82f4f5c43193811046d5c6.gz',
				'1796100294.5 9000 15-1/0000000200000000/00000002000000000000000D-029cd125f49cc205825d06f5ca4ed4d974236779.zst',
				'1796100295 16777216 15-1/0000000200000000/00000002000000000000000E-1e352318a19ca8b6db36d438018b6a65877ca970',
				'1796100296 10 15-1/stray-file',
				'not a listing line',
				'',
			].join('\n'),
		);
		expect(files.map(f => [f.kind, f.wal])).toEqual([
			['partial', '000000010000000000000009'],
			['segment', '00000002000000000000000D'],
			['segment', '00000002000000000000000E'],
			['other', undefined],
		]);
	});
});

describe('the listing command on this machine', () => {
	let dir: string | undefined;
	afterEach(() => dir && rmSync(dir, {recursive: true, force: true}));

	it('prints what the parser reads, with the files times; no directory prints nothing', async ctx => {
		const bash = findTool('bash');
		const gnuFind = bash && (await run(bash, ['-c', 'find --version'])).stdout.includes('GNU findutils');
		if (!bash || !gnuFind) return skipOrFail(ctx, 'bash and GNU find (-printf) are needed to run the listing command');
		dir = mkdtempSync(join(tmpdir(), 'pgha-archive-'));
		const stanza = join(dir, 'archive', 'produccion');
		const segment = join(stanza, '15-1', '0000000100000000', '000000010000000000000004-774a362a0ddba8dee6b85530431698fcc204f20b.gz');
		mkdirSync(join(stanza, '15-1', '0000000100000000'), {recursive: true});
		writeFileSync(segment, 'x'.repeat(123));
		const history = '1\t0/9000000\tno recovery target specified\n';
		writeFileSync(join(stanza, '15-1', '00000002.history'), history);
		utimesSync(segment, 1796100270, 1796100270.5);
		const command = archiveListing(produccion).replaceAll(locations.pgbackrestRepoPath, dir);
		const listed = await run(bash, ['-c', command]);
		expect(listed.code).toBe(0);
		const files = parseArchiveListing(listed.stdout).sort((a, b) => a.path.localeCompare(b.path));
		expect(files.map(f => [f.path, f.kind, f.sizeBytes])).toEqual([
			['15-1/0000000100000000/000000010000000000000004-774a362a0ddba8dee6b85530431698fcc204f20b.gz', 'segment', 123],
			['15-1/00000002.history', 'history', history.length],
		]);
		expect(files[0]!.modifiedMs).toBe(1796100270500);

		rmSync(join(dir, 'archive'), {recursive: true});
		const none = await run(bash, ['-c', command]);
		expect(none).toMatchObject({code: 0, stdout: ''});
	});
});

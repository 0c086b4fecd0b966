import {describe, expect, test} from 'vitest';
import type {Flags} from '../../source/commands/context.js';
import {main} from '../../source/commands/main.js';
import {exitCodes} from '../../source/errors.js';
import {archiveListingText} from '../backup/fixtures.js';
import {strongEnv} from '../answers/fixtures.js';
import {fakeRepository, stanza} from './fake-repository.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed} from './saved-cluster.js';

const cipher = strongEnv['PGHA_BACKUP_CIPHER']!;

/** `pgha backups` on the saved seed cluster, its repository host answering from `repo`. */
async function backups(repo: ReturnType<typeof fakeRepository>, flags: Partial<Flags> = {}, args: string[] = [], env = savedSeed()) {
	const io = {...captureIo(env), connect: repo.connect};
	const code = await main(['backups', ...args], {...noFlags, ...flags}, io);
	return {code, out: io.stdout(), err: io.stderr()};
}

describe('pgha backups', () => {
	test('a table of every backup, the restorable window and the archive; only the repository host is asked', async () => {
		const repo = fakeRepository({info: stanza(), listing: archiveListingText});
		const {code, out, err} = await backups(repo);
		expect(err).toBe('');
		expect(code).toBe(exitCodes.ok);
		expect(repo.connected).toEqual(['pgbackrestRepo']);
		expect(out).toContain('cluster produccion: pgBackRest stanza produccion on pgbackrestRepo (192.168.100.9): ok');
		expect(out).toContain('restorable: any moment from 2026-12-01T04:44:30Z to 2026-12-01T04:44:59Z (UTC)');
		expect(out).toContain('archive: 14 WAL segments (timelines 1, 2), 21.5 MiB');
		expect(out).toMatch(/^20261201-044427F_20261201-044456I\s+incr\s+2026-12-01T04:44:56Z\s+2026-12-01T04:44:58Z\s+51\.7 MiB\s+10\.9 MiB\s+2\s+2026-12-01T04:44:59Z$/m);
		expect(out).toContain('    wal 00000002000000000000000A .. 00000002000000000000000B   lsn 0/A000028 .. 0/B000050');
	});

	test('--json: the catalog with stable field names, ISO times in UTC and bytes', async () => {
		const repo = fakeRepository({info: stanza(), listing: archiveListingText});
		const {code, out} = await backups(repo, {json: true});
		expect(code).toBe(exitCodes.ok);
		const report = JSON.parse(out);
		expect(Object.keys(report)).toEqual(['cluster', 'repositoryHost', 'stanza', 'status', 'backupRunning', 'restorable', 'archive', 'backups']);
		expect(report).toMatchObject({
			cluster: 'produccion',
			repositoryHost: {name: 'pgbackrestRepo', ip: '192.168.100.9'},
			stanza: 'produccion',
			status: {code: 0, message: 'ok'},
			backupRunning: false,
			restorable: {earliest: '2026-12-01T04:44:30.000Z', latest: '2026-12-01T04:44:59.221Z'},
			archive: {segments: 14, sizeBytes: 22594976, timelines: [1, 2]},
		});
		expect(report.backups[2]).toEqual({
			label: '20261201-044427F_20261201-044445D',
			type: 'diff',
			prior: '20261201-044427F',
			references: ['20261201-044427F'],
			start: '2026-12-01T04:44:45.000Z',
			stop: '2026-12-01T04:44:47.000Z',
			durationSeconds: 2,
			sizeBytes: 54179637,
			deltaBytes: 31621386,
			repositorySizeBytes: 14452128,
			repositoryDeltaBytes: 11417488,
			wal: {start: '000000010000000000000009', stop: '000000010000000000000009'},
			lsn: {start: '0/9000028', stop: '0/9000100'},
			timeline: 1,
			archiveId: '15-1',
			checksumErrors: false,
			missingWalCount: 0,
			missingWal: [],
			restorable: {earliest: '2026-12-01T04:44:47.000Z', latest: '2026-12-01T04:44:59.221Z'},
		});
	});

	test('what the repository says is printed with the secrets redacted', async () => {
		const repo = fakeRepository({info: stanza(s => void (s.status.message = `ok, cipher ${cipher}`)), listing: archiveListingText});
		for (const json of [false, true]) {
			const {out} = await backups(repo, {json});
			expect(out).toContain('ok, cipher ***');
			expect(out).not.toContain(cipher);
		}
	});

	test('a stanza pgBackRest reports in error: listed, and exit 1', async () => {
		const repo = fakeRepository({info: stanza(s => Object.assign(s, {status: {code: 1, message: 'missing stanza path'}, archive: [], backup: []})), listing: ''});
		const {code, out, err} = await backups(repo);
		expect(code).toBe(exitCodes.failed);
		expect(out).toContain('restorable: nothing');
		expect(err).toBe('pgha: pgBackRest reports the stanza "produccion" in error on pgbackrestRepo: missing stanza path (status 1)');
	});

	test('pgbackrest info failing is exit 1 naming the host and what it said', async () => {
		const repo = fakeRepository({info: {code: 37, stderr: "ERROR: [037]: unable to open missing file '/etc/pgbackrest/repo.conf' for read"}, listing: ''});
		const {code, out, err} = await backups(repo);
		expect(code).toBe(exitCodes.failed);
		expect(out).toBe('');
		expect(err).toBe("pgha: pgbackrest info failed on pgbackrestRepo (exit 37): ERROR: [037]: unable to open missing file '/etc/pgbackrest/repo.conf' for read");
	});

	test('a cluster without a backup host: exit 1, and no host is contacted', async () => {
		const repo = fakeRepository({info: stanza(), listing: archiveListingText});
		const env = savedSeed(raw => ({...raw, hosts: (raw.hosts as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'))}) as typeof raw);
		const {code, err} = await backups(repo, {}, [], env);
		expect(code).toBe(exitCodes.failed);
		expect(err).toMatch(/^pgha: cluster "produccion" has no backup host: no host carries the backup role/);
		expect(repo.connected).toEqual([]);
	});

	test('an argument or --type is bad usage: exit 2, no host contacted', async () => {
		const repo = fakeRepository({info: stanza(), listing: archiveListingText});
		const extra = await backups(repo, {}, ['20261201-044427F']);
		expect(extra).toMatchObject({code: exitCodes.usage, err: 'pgha: backups takes no arguments (got "20261201-044427F")'});
		const typed = await backups(repo, {type: 'full'});
		expect(typed).toMatchObject({code: exitCodes.usage, err: 'pgha: --type is for `pgha backup`; `pgha backups` lists every type'});
		expect(repo.connected).toEqual([]);
	});
});

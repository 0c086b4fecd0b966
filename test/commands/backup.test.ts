import {describe, expect, test} from 'vitest';
import type {Flags} from '../../source/commands/context.js';
import {main} from '../../source/commands/main.js';
import {exitCodes} from '../../source/errors.js';
import {strongEnv} from '../answers/fixtures.js';
import {fullBackupOutput, lockedBackup} from '../backup/fixtures.js';
import {fakeRepository, listingThrough, stanza} from './fake-repository.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed, snapshot} from './saved-cluster.js';

const cipher = strongEnv['PGHA_BACKUP_CIPHER']!;
const command = (type: string) => `runuser -u postgres -- pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=produccion --type=${type} --log-level-console=detail backup`;

/** The repository before its first backup: the stanza made, nothing archived but segments 1-3. */
const empty = {
	info: stanza(s => Object.assign(s, {status: {code: 2, message: 'no valid backups', lock: {backup: {held: false}}}, backup: [], archive: [{...s.archive[0], min: '000000010000000000000001', max: '000000010000000000000003'}]})),
	listing: listingThrough('000000010000000000000003'),
};
/** The same repository once the first full backup (fullBackupOutput) is done. */
const afterFirst = {
	info: stanza(s => Object.assign(s, {backup: s.backup.slice(0, 1), archive: [{...s.archive[0], max: '000000010000000000000004'}]})),
	listing: listingThrough('000000010000000000000004'),
};

type Run = {code: number; out: string[]; err: string; status: string[]};

/** `pgha backup ARGS` on the saved seed cluster against a fake repository host. */
async function backup(repo: ReturnType<typeof fakeRepository>, flags: Partial<Flags> = {}, args: string[] = [], options: {env?: Record<string, string>; terminal?: boolean} = {}): Promise<Run> {
	const status: string[] = [];
	const io = {...captureIo(options.env ?? savedSeed(), options.terminal ?? false), connect: repo.connect, ...(options.terminal ? {status: (line: string) => void status.push(line)} : {})};
	const code = await main(['backup', ...args], {...noFlags, yes: true, ...flags}, io);
	return {code, out: io.lines, err: io.stderr(), status};
}

describe('pgha backup refuses bad usage before touching anything', () => {
	const cases: Array<{name: string; args?: string[]; flags: Partial<Flags>; message: string}> = [
		{name: 'an unknown --type', flags: {type: 'weekly'}, message: 'pgha: --type must be full, diff or incr, not "weekly"; nothing was changed'},
		{name: 'an empty --type', flags: {type: ''}, message: 'pgha: --type must be full, diff or incr, not ""; nothing was changed'},
		{name: 'an argument', args: ['full'], flags: {}, message: 'pgha: backup takes no arguments but verify (got "full"); the kind of backup is --type full|diff|incr, and `pgha backup verify` proves the backups restore'},
		{name: 'no terminal and no --yes', flags: {yes: false}, message: 'pgha: backup takes a backup now, and pgBackRest then expires what retention no longer keeps; pass --yes to run it without a terminal'},
		{name: '--json', flags: {json: true}, message: 'pgha: backup prints no JSON; `pgha backups --json` lists the backups after it'},
	];
	for (const c of cases)
		test(`${c.name}: exit 2`, async () => {
			const env = savedSeed();
			const before = snapshot(env['PGHA_HOME']!);
			const repo = fakeRepository(empty);
			const run = await backup(repo, c.flags, c.args, {env});
			expect(run.err).toBe(c.message);
			expect(run.code).toBe(exitCodes.usage);
			expect(repo.connected).toEqual([]);
			expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
		});

	test('a cluster without a backup host: exit 1, no host contacted', async () => {
		const env = savedSeed(raw => ({...raw, hosts: (raw.hosts as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'))}) as typeof raw);
		const repo = fakeRepository(empty);
		const run = await backup(repo, {}, [], {env});
		expect(run.code).toBe(exitCodes.failed);
		expect(run.err).toBe(
			'pgha: cluster "produccion" has no backup host: no host carries the backup role, so there is no pgBackRest repository. Give a host `roles: [backup]` in the answers and run `pgha install` to make one.',
		);
		expect(repo.connected).toEqual([]);
	});
});

describe('pgha backup', () => {
	test('the first backup is full, and says why; plain progress at most one line per 10 %; the new backup at the end', async () => {
		const repo = fakeRepository(empty, {result: {stdout: fullBackupOutput}, after: afterFirst});
		const run = await backup(repo);
		expect(run.err).toBe('');
		expect(run.code).toBe(exitCodes.ok);
		expect(repo.scripts.filter(s => s.endsWith(' backup'))).toEqual([command('full')]);
		expect(run.out[0]).toBe('backup: full: the repository holds no full backup yet, and diff and incr backups build on one');
		expect(run.out[1]).toBe(`backup: running on pgbackrestRepo: ${command('full')}`);
		// The first file done is already at 46.86 %.
		expect(run.out.filter(line => /^backup full: \d+ %/.test(line)).map(line => line.split(' ')[2])).toEqual(['40', '70', '80', '90', '100']);
		expect(run.out).toContain('  INFO: backup start archive = 000000010000000000000004, lsn = 0/4000028');
		expect(run.out).toContain('  INFO: new backup label = 20261201-044427F');
		expect(run.out.some(line => line.includes('DETAIL') || line.includes('command begin'))).toBe(false);
		expect(run.out.slice(-4)).toEqual([
			'pgha: backup 20261201-044427F done: full, 3 s (2026-12-01T04:44:27Z .. 2026-12-01T04:44:30Z)',
			'  database 41.7 MiB; in the repository 10.8 MiB',
			'  repository: 1 backup(s), 10.8 MiB; WAL archive 4 segment(s), 12.0 MiB',
			'  restorable: any moment from 2026-12-01T04:44:30Z to 2026-12-01T04:44:30Z (UTC)',
		]);
	});

	test('with a full backup the default is incr, naming the backup it builds on', async () => {
		const after = {info: stanza(s => void (s.backup = s.backup.slice(0, 2))), listing: listingThrough('000000010000000000000006')};
		const repo = fakeRepository(afterFirst, {result: {stdout: '2026-12-01 04:44:36.596 P00   INFO: new backup label = 20261201-044427F_20261201-044434I\n'}, after});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.ok);
		expect(run.out[0]).toBe(
			'backup: incr, the default while a full backup exists: the changes since the latest backup, 20261201-044427F of 2026-12-01T04:44:30Z (--type full or diff for another kind)',
		);
		expect(repo.scripts.filter(s => s.endsWith(' backup'))).toEqual([command('incr')]);
		expect(run.out).toContain('  database 48.2 MiB, 26.7 MiB of it changed and copied; in the repository 10.5 MiB (13.4 MiB with the backups it builds on)');
	});

	test('a diff asked for with no full backup to build on is said to become a full one', async () => {
		const repo = fakeRepository(empty, {result: {stdout: fullBackupOutput}, after: afterFirst});
		const run = await backup(repo, {type: 'diff'});
		expect(run.out[0]).toBe('backup: full, not the diff asked for: the repository holds no full backup for it to build on');
		expect(repo.scripts.filter(s => s.endsWith(' backup'))).toEqual([command('full')]);
	});

	test('says first what retention will expire, then what it did', async () => {
		const env = savedSeed(raw => ({...raw, backup: {full: '0 1 * * 0', retentionFull: 1}}) as typeof raw);
		const before = {info: stanza(s => void (s.backup = s.backup.slice(0, 3))), listing: listingThrough('000000010000000000000009')};
		const made = {label: '20261201-050000F', type: 'full', prior: null, reference: null, timestamp: {start: 1796101200, stop: 1796101260}};
		const after = {info: stanza(s => void (s.backup = [{...s.backup[0], ...made}])), listing: listingThrough('00000001000000000000000A')};
		const repo = fakeRepository(before, {result: {stdout: '2026-12-01 05:01:00.000 P00   INFO: new backup label = 20261201-050000F\n'}, after});
		const run = await backup(repo, {type: 'full'}, [], {env});
		expect(run.code).toBe(exitCodes.ok);
		expect(run.out[1]).toBe(
			'retention: the answers keep 1 full backup(s), so pgBackRest expires 20261201-044427F, 20261201-044427F_20261201-044434I, 20261201-044427F_20261201-044445D after this backup; ' +
				'the oldest restorable moment moves from 2026-12-01T04:44:30Z to the end of this backup',
		);
		expect(run.out).toContain('  expired by retention: 20261201-044427F, 20261201-044427F_20261201-044434I, 20261201-044427F_20261201-044445D');
	});

	test('on a terminal the progress is one line rewritten in place, cleared at the end', async () => {
		const repo = fakeRepository(empty, {result: {stdout: fullBackupOutput}, after: afterFirst});
		const run = await backup(repo, {}, [], {terminal: true});
		expect(run.code).toBe(exitCodes.ok);
		expect(run.out.some(line => /^backup full: \d+ %/.test(line))).toBe(false);
		const bars = run.status.filter(Boolean);
		expect(bars[0]).toMatch(/^backup full {4}0\.0 % \[-{20}\] {2}0 B {2}\d+ s$/);
		expect(bars.at(-1)).toMatch(/^backup full  100\.0 % \[#{20}\] {2}19\.7 MiB {2}\d+ s$/);
		expect(run.status.at(-1)).toBe('');
		expect(run.out).toContain('  INFO: new backup label = 20261201-044427F');
	});

	test('a backup already running (pgBackRest holds the lock): exit 1, nothing started', async () => {
		const repo = fakeRepository({info: stanza(s => void (s.status.lock = {backup: {held: true}})), listing: listingThrough('00000002000000000000000C')}, {result: {stdout: fullBackupOutput}});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.failed);
		expect(run.err).toBe(
			'pgha: a backup (or expire) of "produccion" is already running on pgbackrestRepo: pgBackRest holds the stanza\'s backup lock. ' +
				'Nothing was started. Wait for it to end (`pgha backups` lists it then); its log is /var/log/pgbackrest/produccion-backup.log on pgbackrestRepo.',
		);
		expect(repo.scripts.filter(s => s.endsWith(' backup'))).toEqual([]);
	});

	test('one that starts in between is refused by pgBackRest (error 50) and said plainly: exit 1', async () => {
		const repo = fakeRepository(afterFirst, {result: lockedBackup});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.failed);
		expect(run.err).toBe(
			'pgha: another backup (or expire) of "produccion" is running on pgbackrestRepo, so pgBackRest refused to start this one; nothing was changed. ' +
				"Wait for it to end (`pgha backups` lists it then). pgBackRest said: ERROR: [050]: unable to acquire lock on file '/tmp/pgbackrest/produccion-backup.lock': Resource temporarily unavailable HINT: is another pgBackRest process running?",
		);
	});

	test('pgBackRest stopped: says how to start it again', async () => {
		const repo = fakeRepository(afterFirst, {result: {code: 62, stderr: 'ERROR: [062]: stop file exists for all stanzas\n'}});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.failed);
		expect(run.err).toContain('pgha: pgBackRest is stopped on pgbackrestRepo (someone ran `pgbackrest stop`), so no backup was taken.');
		expect(run.err).toContain('`runuser -u postgres -- pgbackrest --config=/etc/pgbackrest/pgbackrest.conf start` as root there lets backups run again.');
	});

	test('any other failure quotes pgBackRest and names its log', async () => {
		const repo = fakeRepository(afterFirst, {
			result: {code: 56, stderr: 'ERROR: [056]: unable to find primary cluster - cannot proceed\n       HINT: are all available clusters in recovery?\n'},
		});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.failed);
		expect(run.err).toBe(
			'pgha: the backup failed on pgbackrestRepo: ERROR: [056]: unable to find primary cluster - cannot proceed HINT: are all available clusters in recovery?\n' +
				"  pgBackRest's log: /var/log/pgbackrest/produccion-backup.log on pgbackrestRepo",
		);
	});

	test('the connection lost under a running backup: exit 1, and how to find out whether it finished', async () => {
		const repo = fakeRepository(afterFirst, {result: new Error('pgbackrestRepo: exited with code 255 (connection lost?)')});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.failed);
		expect(run.err).toBe(
			'pgha: lost track of the backup on pgbackrestRepo: pgbackrestRepo: exited with code 255 (connection lost?). ' +
				'pgBackRest may still be running there: `pgha backups` shows whether the backup finished; its log is /var/log/pgbackrest/produccion-backup.log.',
		);
	});

	test('what pgBackRest echoes is printed with the secrets redacted', async () => {
		const echo = `2026-12-01 04:44:27.000 P00   WARN: option repo1-cipher-pass=${cipher} looks odd\n${fullBackupOutput}`;
		const repo = fakeRepository(empty, {result: {code: 1, stdout: echo, stderr: `ERROR: [031]: bad option ${cipher}\n`}});
		const run = await backup(repo);
		expect(run.code).toBe(exitCodes.failed);
		expect(run.out).toContain('  WARN: option repo1-cipher-pass=*** looks odd');
		expect(run.err).toContain('ERROR: [031]: bad option ***');
		expect([...run.out, run.err].join('\n')).not.toContain(cipher);
	});
});

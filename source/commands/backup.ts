import type {Answers} from '../answers/schema.js';
import {backupFailure, consoleText, newBackupLabel, worthShowing} from '../backup/backup-output.js';
import {backupCommand, backupLogPath, backupTimeoutMs, pgbackrestCommand} from '../backup/backup-command.js';
import {backupTypes, type BackupType, type Catalog, type CatalogBackup} from '../backup/catalog.js';
import {formatBytes, formatDuration, formatTime} from '../backup/format-backups.js';
import {advance, newTenth, noProgress, progressLine, tenthLine} from '../backup/progress.js';
import {readCatalog} from '../backup/read-catalog.js';
import {effectiveType, expiredAfter} from '../backup/retention.js';
import {exitCodes, UsageError, UserError} from '../errors.js';
import type {HostConnection, RunOptions, RunResult} from '../transport/ssh.js';
import type {Command, Io} from './context.js';
import {openRepository} from './repository.js';
import {resolveCluster} from './resolve-cluster.js';

/** `pgha backup SUBCOMMAND`, each a Command of its own, loaded when asked for. */
const subcommands: Record<string, Command> = {
	verify: async (args, flags, io) => (await import('./backup-verify.js')).backupVerify(args, flags, io),
};

/** --type as given, checked before anything is read or changed. */
function backupType(given: string | undefined): BackupType | undefined {
	if (given === undefined) return undefined;
	if ((backupTypes as readonly string[]).includes(given)) return given as BackupType;
	throw new UsageError(`--type must be full, diff or incr, not "${given}"; nothing was changed`);
}

/** The error for a cluster without a repository, shared with `pgha backups`. */
export function noBackupHost(cluster: string): UserError {
	return new UserError(
		`cluster "${cluster}" has no backup host: no host carries the backup role, so there is no pgBackRest repository. ` +
			'Give a host `roles: [backup]` in the answers and run `pgha install` to make one.',
	);
}

/** Which type is taken and why, in one line. */
function typeReason(asked: BackupType | undefined, backups: readonly CatalogBackup[]): {type: BackupType; why: string} {
	const full = backups.filter(b => b.type === 'full').at(-1);
	const since = (b: CatalogBackup) => `${b.label} of ${formatTime(b.stop)}`;
	if (asked === undefined)
		return full
			? {type: 'incr', why: `incr, the default while a full backup exists: the changes since the latest backup, ${since(backups.at(-1)!)} (--type full or diff for another kind)`}
			: {type: 'full', why: 'full: the repository holds no full backup yet, and diff and incr backups build on one'};
	if (effectiveType(backups, asked) !== asked) return {type: 'full', why: `full, not the ${asked} asked for: the repository holds no full backup for it to build on`};
	if (asked === 'full') return {type: 'full', why: 'full, as asked'};
	return {type: asked, why: `${asked}, as asked: the changes since ${asked === 'diff' ? `the latest full backup, ${since(full!)}` : `the latest backup, ${since(backups.at(-1)!)}`}`};
}

/** What retention will expire after this backup, said before it starts; undefined when nothing. */
function retentionNote(answers: Answers, before: Catalog, type: BackupType): string | undefined {
	const {retentionFull, retentionDiff} = answers.backup;
	const expired = expiredAfter(before.backups, type, {full: retentionFull, ...(retentionDiff !== undefined ? {diff: retentionDiff} : {})});
	if (expired.length === 0) return undefined;
	const kept = before.backups.filter(b => !expired.includes(b.label) && b.restorable);
	const oldest = before.restorable ? formatTime(before.restorable.earliest) : undefined;
	const next = kept[0]?.restorable ? formatTime(kept[0].restorable.earliest) : 'the end of this backup';
	return (
		`retention: the answers keep ${retentionFull} full backup(s)${retentionDiff !== undefined ? ` and ${retentionDiff} full-or-diff` : ''}, ` +
		`so pgBackRest expires ${expired.join(', ')} after this backup` +
		(oldest ? `; the oldest restorable moment moves from ${oldest} to ${next}` : '')
	);
}

/** Prints lines above the one progress line a terminal rewrites, or plain lines without one. */
function display(io: Io, live: boolean) {
	let shown = '';
	return {
		line(text: string) {
			if (shown) io.status!('');
			io.out(text);
			if (shown) io.status!(shown);
		},
		progress(text: string) {
			if (!live) return;
			shown = text;
			io.status!(text);
		},
		end() {
			if (shown) io.status!('');
			shown = '';
		},
	};
}

/** The new backup and the repository after it, as the last lines of the run. */
function summary(made: CatalogBackup, before: Catalog, after: Catalog): string[] {
	const expired = before.backups.filter(b => !after.backups.some(a => a.label === b.label)).map(b => b.label);
	const stored = after.backups.reduce((sum, b) => sum + b.repositoryDeltaBytes, 0);
	return [
		`pgha: backup ${made.label} done: ${made.type}, ${formatDuration(made.durationSeconds)} (${formatTime(made.start)} .. ${formatTime(made.stop)})`,
		`  database ${formatBytes(made.sizeBytes)}${made.type === 'full' ? '' : `, ${formatBytes(made.deltaBytes)} of it changed and copied`}; ` +
			`in the repository ${formatBytes(made.repositoryDeltaBytes)}${made.type === 'full' ? '' : ` (${formatBytes(made.repositorySizeBytes)} with the backups it builds on)`}`,
		...(made.checksumErrors ? [`  WARNING: pgBackRest found page checksum errors while copying (pgbackrest info --set=${made.label} names the files)`] : []),
		...(expired.length > 0 ? [`  expired by retention: ${expired.join(', ')}`] : []),
		`  repository: ${after.backups.length} backup(s), ${formatBytes(stored)}; WAL archive ${after.archive.segments} segment(s), ${formatBytes(after.archive.sizeBytes)}`,
		after.restorable
			? `  restorable: any moment from ${formatTime(after.restorable.earliest)} to ${formatTime(after.restorable.latest)} (UTC)`
			: '  restorable: nothing yet (the backup has not all its WAL in the archive; `pgha backups` shows what is missing)',
	];
}

/**
 * `pgha backup [--cluster NAME] [--type full|diff|incr] [--yes]`: an
 * on-demand pgBackRest backup on the repository host, its progress live, and
 * the new backup and the repository's restorable window at the end. Another
 * backup running, or pgBackRest stopped, is said plainly and changes nothing.
 */
export const backup: Command = async (args, flags, io) => {
	const [name, ...rest] = args;
	if (name !== undefined) {
		const subcommand = subcommands[name];
		if (!subcommand) throw new UsageError(`backup takes no arguments but verify (got "${args.join(' ')}"); the kind of backup is --type full|diff|incr, and \`pgha backup verify\` proves the backups restore`);
		return subcommand(rest, flags, io);
	}
	const asked = backupType(flags.type);
	if (flags.json) throw new UsageError('backup prints no JSON; `pgha backups --json` lists the backups after it');
	if (!flags.yes && !io.interactive) throw new UsageError('backup takes a backup now, and pgBackRest then expires what retention no longer keeps; pass --yes to run it without a terminal');
	const {answers} = await resolveCluster(flags, io);
	const {repo, conn, redact} = await openRepository(answers, io, () => noBackupHost(answers.cluster.name));
	const run = (script: string, options: RunOptions = {}) => conn.run(script, {check: false, ...options});
	// What the repository host says is printed or thrown: redacted first, like status does.
	const catalog = () =>
		readCatalog(run, answers).catch((error: unknown) => {
			throw error instanceof UserError ? new UserError(redact(error.message), error.exitCode) : error;
		});
	try {
		const before = await catalog();
		if (before.status.code !== 0 && before.status.code !== 2)
			throw new UserError(
				`the repository on ${repo.name} cannot take a backup: pgBackRest says "${redact(before.status.message)}" (status ${before.status.code}). ` +
					(before.status.code === 1 ? '`pgha repair` creates a missing stanza.' : '`pgha repair --check` and `pgha status` show what is wrong.'),
			);
		if (before.backupRunning)
			throw new UserError(
				`a backup (or expire) of "${answers.cluster.name}" is already running on ${repo.name}: pgBackRest holds the stanza's backup lock. ` +
					`Nothing was started. Wait for it to end (\`pgha backups\` lists it then); its log is ${backupLogPath(answers)} on ${repo.name}.`,
			);
		const {type, why} = typeReason(asked, before.backups);
		io.out(`backup: ${why}`);
		const note = retentionNote(answers, before, type);
		if (note) io.out(note);
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm(`Take a ${type} backup of "${answers.cluster.name}" now? pgBackRest reads the files of the primary while it runs.`))) return exitCodes.failed;
		}
		return await takeBackup(io, answers, repo, conn, type, before, {redact, catalog, verbose: io.env['PGHA_VERBOSE'] === '1'});
	} finally {
		conn.close();
	}
};

/** Runs the backup, following its output, then reads the repository again to report what it made. */
async function takeBackup(
	io: Io,
	answers: Answers,
	repo: {name: string},
	conn: HostConnection,
	type: BackupType,
	before: Catalog,
	{redact, catalog, verbose}: {redact: (text: string) => string; catalog: () => Promise<Catalog>; verbose: boolean},
): Promise<number> {
	const command = backupCommand(answers, type);
	io.out(redact(`backup: running on ${repo.name}: ${command}`));
	const live = io.interactive && io.status !== undefined;
	const view = display(io, live);
	const started = Date.now();
	let progress = noProgress;
	let tenth = 0;
	let label: string | undefined;
	// A terminal line at most every 50 ms however fast small files finish; the ticker shows
	// time passing while pgBackRest is on one large file.
	let drawnAt = 0;
	const draw = (now = false) => {
		if (!now && Date.now() - drawnAt < 50 && progress.percent < 100) return;
		drawnAt = Date.now();
		view.progress(progressLine(type, progress, drawnAt - started));
	};
	draw(true);
	const ticker = live ? setInterval(() => draw(true), 1000) : undefined;
	ticker?.unref();
	let result: RunResult;
	try {
		result = await conn.run(command, {
			check: false,
			timeoutMs: backupTimeoutMs,
			onLine: (_stream, raw) => {
				const line = redact(raw);
				label = newBackupLabel(line) ?? label;
				const next = advance(progress, line);
				const perFile = next !== progress;
				if (perFile) {
					progress = next;
					draw();
					const reached = live ? undefined : newTenth(tenth, progress.percent);
					if (reached !== undefined) {
						tenth = reached;
						view.line(tenthLine(type, reached, progress, Date.now() - started));
					}
				}
				if (verbose || (!perFile && worthShowing(line))) view.line(`  ${consoleText(line)}`);
			},
		});
	} catch (error) {
		throw new UserError(
			`lost track of the backup on ${repo.name}: ${redact(error instanceof Error ? error.message : String(error))}. ` +
				`pgBackRest may still be running there: \`pgha backups\` shows whether the backup finished; its log is ${backupLogPath(answers)}.`,
		);
	} finally {
		clearInterval(ticker);
		view.end();
	}
	if (result.code !== 0) {
		const lines = [...result.stdout.split('\n').slice(-20), ...result.stderr.split('\n')].map(redact);
		const failure = backupFailure(result.code, lines);
		if (failure.kind === 'locked')
			io.err(
				`pgha: another backup (or expire) of "${answers.cluster.name}" is running on ${repo.name}, so pgBackRest refused to start this one; nothing was changed. ` +
					`Wait for it to end (\`pgha backups\` lists it then). pgBackRest said: ${failure.message}`,
			);
		else if (failure.kind === 'stopped')
			io.err(
				`pgha: pgBackRest is stopped on ${repo.name} (someone ran \`pgbackrest stop\`), so no backup was taken. ` +
					`\`${pgbackrestCommand(answers, 'start', /all stanzas/.test(failure.message) ? 'all' : 'stanza')}\` as root there lets backups run again. pgBackRest said: ${failure.message}`,
			);
		else io.err(`pgha: the backup failed on ${repo.name}: ${failure.message}\n  pgBackRest's log: ${backupLogPath(answers)} on ${repo.name}`);
		return exitCodes.failed;
	}
	let after: Catalog;
	try {
		after = await catalog();
	} catch (error) {
		io.err(`pgha: pgBackRest finished the backup${label ? ` ${label}` : ''}, but reading the repository after it failed: ${error instanceof Error ? error.message : String(error)}`);
		return exitCodes.ok;
	}
	const made = after.backups.find(b => b.label === label) ?? after.backups.filter(b => !before.backups.some(x => x.label === b.label)).at(-1);
	if (!made) {
		io.err(`pgha: pgBackRest ended without an error, but its info lists no new backup${label ? ` (it named ${label})` : ''}; \`pgha backups\` shows what the repository holds`);
		return exitCodes.failed;
	}
	for (const line of summary(made, before, after)) io.out(line);
	return exitCodes.ok;
}

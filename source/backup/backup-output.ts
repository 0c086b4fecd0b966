// What `pgbackrest backup` prints on its console: stdout lines carry a timestamp and process
// ("2024-05-01 10:00:00.123 P00   INFO: ..."), stderr lines do not ("ERROR: [050]: ...",
// then "       HINT: ..." lines indented under it).
const prefix = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} P\d+\s+/;

/** A console line without its timestamp and process number, as pgha shows it. */
export function consoleText(line: string): string {
	return line.replace(prefix, '').trimEnd();
}

/**
 * Whether a person watching the backup wants the line: INFO lines (where the
 * WAL starts and stops, the new label, what retention expired), warnings,
 * errors and their hints. Not the thousands of per-file DETAIL lines, and not
 * the commands' begin and end lines, which only repeat the options.
 */
export function worthShowing(line: string): boolean {
	const text = consoleText(line);
	if (/^(WARN|ERROR):/.test(text) || /^\s+(HINT|NOTE):/.test(line)) return true;
	if (!text.startsWith('INFO: ')) return false;
	return !/^INFO: \w+ command (begin|end: completed successfully)/.test(text);
}

/** The label of the backup just made, from pgBackRest's `new backup label = ...` line. */
export function newBackupLabel(line: string): string | undefined {
	return /INFO: new backup label = (\S+)$/.exec(line.trimEnd())?.[1];
}

/** Why a backup did not finish, in the words a person acts on. */
export type BackupFailure = {kind: 'locked' | 'stopped' | 'failed'; message: string};

/**
 * Reads a failed backup's exit code and output: another backup holding the
 * stanza's lock (pgBackRest error 50), pgBackRest stopped with `pgbackrest
 * stop` (error 62), or anything else with pgBackRest's own error and hints.
 */
export function backupFailure(code: number, lines: readonly string[]): BackupFailure {
	const errors: string[] = [];
	for (const line of lines) {
		const text = consoleText(line);
		if (/^ERROR: /.test(text)) errors.push(text);
		else if (/^\s+(HINT|NOTE):/.test(line) && errors.length > 0) errors.push(line.trim());
	}
	const said = errors.join(' ');
	if (code === 50 || /ERROR: \[050\]/.test(said)) return {kind: 'locked', message: said || 'unable to acquire the backup lock'};
	if (code === 62 || /ERROR: \[062\]/.test(said)) return {kind: 'stopped', message: said || 'stop file exists'};
	const last = lines.map(consoleText).filter(Boolean).slice(-3).join(' | ');
	return {kind: 'failed', message: said || (last ? `exit ${code}: ${last}` : `exit ${code} with no output`)};
}

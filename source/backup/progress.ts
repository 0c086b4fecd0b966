import {formatBytes, formatDuration} from './format-backups.js';

/** How far a running backup is: pgBackRest's own percentage and the bytes of the files it has done. */
export type BackupProgress = {
	/** 0-100, of the bytes this backup has to process (only the changed files for diff and incr). */
	percent: number;
	/** The sizes of the files processed so far, added up (pgBackRest rounds each, so this is approximate). */
	bytes: number;
	files: number;
};

/** Where a backup starts. */
export const noProgress: BackupProgress = {percent: 0, bytes: 0, files: 0};

const units: Record<string, number> = {B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5};

/** A size as pgBackRest prints it (`0B`, `768KB`, `19.5MB`; powers of 1024) in bytes; undefined if it is not one. */
export function parseSize(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)([KMGTP]?B)$/.exec(text);
	return match ? Math.round(Number(match[1]) * units[match[2]!]!) : undefined;
}

// The parenthesis pgBackRest puts after each file it is done with (backup file, match file from prior
// backup, checksum resumed file): "(19.5MB, 46.86%)", and in other versions "(546.3MB, 20%)",
// "(bundle 1/0, 8KB, 0.12%)" or "(16KB->8KB, 0.12%)". At --log-level-console=detail they are DETAIL lines.
const fileDone = /\bDETAIL: .* \((?:bundle \d+\/\d+, )?(?:\d+(?:\.\d+)?[KMGTP]?B->)?(\d+(?:\.\d+)?[KMGTP]?B), (\d+(?:\.\d+)?)%\)(?: checksum [0-9a-f]+)?$/;

/**
 * The size and overall percentage in one of pgBackRest's per-file detail
 * lines (`... backup file HOST:PATH (1.2MB, 45.34%) checksum SHA1`);
 * undefined for every other line.
 */
export function parseProgressLine(line: string): {bytes: number; percent: number} | undefined {
	const match = fileDone.exec(line.trimEnd());
	if (!match) return undefined;
	const bytes = parseSize(match[1]!);
	const percent = Number(match[2]);
	return bytes === undefined || percent > 100 ? undefined : {bytes, percent};
}

/** The progress after one more line of output: moved on by a per-file line, as it was for any other. */
export function advance(progress: BackupProgress, line: string): BackupProgress {
	const file = parseProgressLine(line);
	if (!file) return progress;
	// Files finish out of order across processes; the percentage never goes back.
	return {percent: Math.max(progress.percent, file.percent), bytes: progress.bytes + file.bytes, files: progress.files + 1};
}

/**
 * Which tenth of the way a backup has reached, when it is one the plain
 * output has not reported yet: at most one line per 10 % without a terminal.
 */
export function newTenth(reported: number, percent: number): number | undefined {
	const tenth = Math.min(10, Math.floor(percent / 10));
	return tenth > reported ? tenth : undefined;
}

/** The one line a terminal rewrites while a backup runs: `backup full  45.3 % [#########-----------]  1.2 GiB  4 min 12 s`. */
export function progressLine(type: string, progress: BackupProgress, elapsedMs: number): string {
	const filled = Math.round(Math.min(100, progress.percent) / 5);
	const bar = `[${'#'.repeat(filled)}${'-'.repeat(20 - filled)}]`;
	return `backup ${type}  ${progress.percent.toFixed(1).padStart(5)} % ${bar}  ${formatBytes(progress.bytes)}  ${formatDuration(elapsedMs / 1000)}`;
}

/** The plain line for a tenth reached: `backup full: 40 % (1.2 GiB in 812 files, 4 min 12 s)`. */
export function tenthLine(type: string, tenth: number, progress: BackupProgress, elapsedMs: number): string {
	return `backup ${type}: ${tenth * 10} % (${formatBytes(progress.bytes)} in ${progress.files} file${progress.files === 1 ? '' : 's'}, ${formatDuration(elapsedMs / 1000)})`;
}

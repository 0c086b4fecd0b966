/** What a restore brings the cluster back to, as `--to` names it. */
export type RestoreTarget =
	| {kind: 'time'; at: Date}
	| {kind: 'lsn'; lsn: string}
	| {kind: 'latest'}
	| {kind: 'backup'; label: string};

/** A problem with `--to`, said the way the person should fix it; undefined when it parses. */
export type TargetParse = {ok: true; target: RestoreTarget} | {ok: false; problem: string};

const lsnPattern = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
// pgBackRest's labels: 20261201-050000F, 20261201-050000F_20261201-060000D (or I).
const labelPattern = /^\d{8}-\d{6}F(_\d{8}-\d{6}[DI])?$/;
// A date with a time; a zone (Z, +01, +01:00) is optional: without one the time is UTC, and the plan says so.
const timePattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i;

/**
 * Parses `--to`: `latest`, a pgBackRest backup label, an LSN (0/5000028) or a
 * time (2026-12-01 05:10:00, with an optional zone; UTC when none). Pure.
 */
export function parseTarget(text: string): TargetParse {
	const value = text.trim();
	if (value === '') return {ok: false, problem: 'say what to restore to: a time (2026-12-01 05:10:00Z), an LSN (0/5000028), a backup label from `pgha backups`, or latest'};
	if (value.toLowerCase() === 'latest') return {ok: true, target: {kind: 'latest'}};
	if (labelPattern.test(value)) return {ok: true, target: {kind: 'backup', label: value}};
	if (lsnPattern.test(value)) return {ok: true, target: {kind: 'lsn', lsn: value.toUpperCase()}};
	const match = timePattern.exec(value);
	if (match) {
		const [, day, clock, , , zone] = match;
		const offset = !zone ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
		const at = new Date(`${day}T${clock!.length === 5 ? `${clock}:00` : clock}${offset}`);
		if (!Number.isNaN(at.getTime())) return {ok: true, target: {kind: 'time', at}};
	}
	return {ok: false, problem: `"${value}" is not a time (2026-12-01 05:10:00Z), an LSN (0/5000028), a backup label (20261201-050000F) or latest`};
}

/** A target as the plan and the journal say it. */
export function describeTarget(target: RestoreTarget): string {
	switch (target.kind) {
		case 'time':
			return `${formatUtc(target.at)} (a point in time)`;
		case 'lsn':
			return `LSN ${target.lsn}`;
		case 'latest':
			return 'the latest archived WAL (every committed and archived change)';
		case 'backup':
			return `the end of backup ${target.label}`;
	}
}

/** A time as pgha prints it and pgBackRest reads it: UTC, to the millisecond. */
export function formatUtc(at: Date): string {
	return `${at.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}

/** The target as it is saved in the journal and compared on a re-run. */
export function targetKey(target: RestoreTarget): string {
	switch (target.kind) {
		case 'time':
			return `time:${target.at.toISOString()}`;
		case 'lsn':
			return `lsn:${target.lsn}`;
		case 'latest':
			return 'latest';
		case 'backup':
			return `backup:${target.label}`;
	}
}

/** The inverse of targetKey, for a journal read back. */
export function targetFromKey(key: string): RestoreTarget {
	if (key === 'latest') return {kind: 'latest'};
	const [kind, ...rest] = key.split(':');
	const value = rest.join(':');
	if (kind === 'time') return {kind: 'time', at: new Date(value)};
	if (kind === 'lsn') return {kind: 'lsn', lsn: value};
	return {kind: 'backup', label: value};
}

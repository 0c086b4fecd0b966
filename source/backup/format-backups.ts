import type {Catalog, CatalogBackup} from './catalog.js';

/** Bytes in the unit a person reads at a glance (powers of 1024, as pgBackRest counts). */
export function formatBytes(bytes: number): string {
	const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
	if (bytes < 1024) return `${bytes} B`;
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration in seconds as `42 s`, `3 min 05 s` or `2 h 07 min`. */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
	return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** An ISO 8601 UTC time to the second: what a person compares with a log line or a recovery target. */
export function formatTime(iso: string): string {
	return iso.replace(/\.\d+Z$/, 'Z');
}

const pad = (text: string, width: number) => text.padEnd(width);

/** The line under a backup's row: where its WAL and LSNs start and stop, and anything wrong with it. */
function details(b: CatalogBackup): string[] {
	const lines = [`    wal ${b.wal ? `${b.wal.start} .. ${b.wal.stop}` : 'not recorded'}   lsn ${b.lsn ? `${b.lsn.start} .. ${b.lsn.stop}` : 'not recorded'}`];
	if (b.missingWalCount > 0)
		lines.push(`    NOT RESTORABLE: ${b.missingWalCount} WAL segment(s) it needs are not in the archive: ${b.missingWal.slice(0, 3).join(', ')}${b.missingWalCount > 3 ? ', ...' : ''}`);
	if (b.checksumErrors) lines.push(`    pgBackRest found page checksum errors while copying it (pgbackrest info --set=${b.label} names the files)`);
	return lines;
}

/**
 * `pgha backups` for a person: the repository's restorable window and
 * archive first, then one row per backup (oldest first) with a line of WAL
 * and LSN ranges under it.
 */
export function formatBackups(catalog: Catalog, where: {cluster: string; host: string; ip: string}): string {
	const {archive, backups, restorable} = catalog;
	const lines = [`cluster ${where.cluster}: pgBackRest stanza ${catalog.stanza} on ${where.host} (${where.ip}): ${catalog.status.message}`];
	if (catalog.backupRunning) lines.push('a backup or expire is running now (pgBackRest holds the stanza backup lock)');
	lines.push(
		restorable
			? `restorable: any moment from ${formatTime(restorable.earliest)} to ${formatTime(restorable.latest)} (UTC)`
			: `restorable: nothing${backups.length > 0 ? ' (no backup has all its WAL in the archive)' : ''}`,
	);
	const newest = archive.ids.filter(a => a.newestAt !== null).at(-1);
	const timelines = archive.timelines.length > 0 ? ` (timeline${archive.timelines.length > 1 ? 's' : ''} ${archive.timelines.join(', ')})` : '';
	lines.push(
		`archive: ${archive.segments} WAL segment${archive.segments === 1 ? '' : 's'}${timelines}, ${formatBytes(archive.sizeBytes)}` +
			(newest ? `; the newest, ${newest.newestSegment}, reached the repository ${formatTime(newest.newestAt!)}` : ''),
	);
	if (backups.length === 0) {
		lines.push('', 'no backups yet: `pgha backup` takes the first full one');
		return lines.join('\n');
	}
	const labelWidth = Math.max(5, ...backups.map(b => b.label.length)) + 2;
	lines.push(
		'',
		`${pad('LABEL', labelWidth)}${pad('TYPE', 6)}${pad('STARTED (UTC)', 22)}${pad('STOPPED (UTC)', 22)}${pad('SIZE', 11)}${pad('IN REPO', 11)}${pad('TL', 4)}RESTORES TO (UTC)`,
	);
	for (const b of backups) {
		const to = b.restorable ? formatTime(b.restorable.latest) : 'NOT RESTORABLE';
		lines.push(
			`${pad(b.label, labelWidth)}${pad(b.type, 6)}${pad(formatTime(b.start), 22)}${pad(formatTime(b.stop), 22)}${pad(formatBytes(b.sizeBytes), 11)}${pad(formatBytes(b.repositoryDeltaBytes), 11)}${pad(b.timeline === null ? '-' : String(b.timeline), 4)}${to}`,
			...details(b),
		);
	}
	lines.push(
		'',
		'Each backup restores any moment from its STOPPED time to RESTORES TO: when the newest archived WAL segment reached the repository',
		'(an unbroken archive assumed). SIZE is the database; IN REPO what the backup itself stores (`--json` has the rest).',
	);
	return lines.join('\n');
}

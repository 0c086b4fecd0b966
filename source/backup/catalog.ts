import {z} from 'zod';
import type {ArchiveFile} from '../../recipes/pgbackrest/archive.js';
import {walRange, walTimeline} from './wal.js';

/** The kinds of backup pgBackRest takes. */
export const backupTypes = ['full', 'diff', 'incr'] as const;
export type BackupType = (typeof backupTypes)[number];

// The fields of `pgbackrest info --output=json` (2.45) pgha reads; others are ignored.
const infoBackupSchema = z.object({
	label: z.string(),
	type: z.enum(backupTypes),
	prior: z.string().nullable().optional(),
	reference: z.array(z.string()).nullable().optional(),
	timestamp: z.object({start: z.number(), stop: z.number()}),
	info: z.object({size: z.number(), delta: z.number(), repository: z.object({size: z.number(), delta: z.number()})}),
	// Null only for a backup taken with archive-check off, which pgha never does.
	archive: z.object({start: z.string().nullable(), stop: z.string().nullable()}),
	lsn: z.object({start: z.string(), stop: z.string()}).optional(),
	database: z.object({id: z.number()}),
	// pgBackRest 2.36+: true when page checksum errors were found while copying.
	error: z.boolean().optional(),
});

const stanzaInfoSchema = z.object({
	name: z.string(),
	status: z.object({code: z.number(), message: z.string(), lock: z.object({backup: z.object({held: z.boolean()})}).optional()}),
	archive: z.array(z.object({id: z.string(), min: z.string().nullable(), max: z.string().nullable(), database: z.object({id: z.number()})})),
	backup: z.array(infoBackupSchema),
});

/** One backup as `pgbackrest info --output=json` lists it. */
export type InfoBackup = z.infer<typeof infoBackupSchema>;

/** One stanza as `pgbackrest info --output=json` reports it: status, archive ranges and backups (oldest first). */
export type StanzaInfo = z.infer<typeof stanzaInfoSchema>;

/**
 * The stanza's entry of `pgbackrest info --output=json`, checked field by
 * field so that output pgha does not understand (another pgBackRest version)
 * is an error naming the field, never a table of wrong numbers.
 */
export function parseStanzaInfo(json: string, stanza: string): StanzaInfo {
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		throw new Error(`pgbackrest info --output=json did not print JSON: ${json.trim().slice(0, 200) || '(nothing)'}`);
	}
	const entry = Array.isArray(value) ? (value as Array<{name?: unknown}>).find(s => s?.name === stanza) : undefined;
	if (!entry) throw new Error(`pgbackrest info --output=json does not list the stanza "${stanza}"`);
	const parsed = stanzaInfoSchema.safeParse(entry);
	if (!parsed.success)
		throw new Error(`pgbackrest info --output=json printed what pgha does not understand: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
	return parsed.data;
}

/** A span of time a backup (or the repository) can restore to, ISO 8601 UTC. */
export type RestoreWindow = {
	/** The backup's stop time: the first moment it is consistent. */
	earliest: string;
	/** When the newest segment of its archive reached the repository (an unbroken archive assumed). */
	latest: string;
};

/**
 * One backup with what it can restore to; the field names are `pgha backups
 * --json`'s and stay stable. Times are ISO 8601 UTC, sizes in bytes.
 */
export type CatalogBackup = {
	label: string;
	type: BackupType;
	/** The backup this one builds on (null for a full backup). */
	prior: string | null;
	/** Every backup whose files this one needs to be restored. */
	references: string[];
	start: string;
	stop: string;
	durationSeconds: number;
	/** The database's size when backed up. */
	sizeBytes: number;
	/** What this backup copied from the database (all of it for a full backup). */
	deltaBytes: number;
	/** The repository space of everything restoring this backup reads (its own files and those it references). */
	repositorySizeBytes: number;
	/** The repository space of this backup's own files. */
	repositoryDeltaBytes: number;
	/** The first and last WAL segment the backup needs to be consistent. */
	wal: {start: string; stop: string} | null;
	lsn: {start: string; stop: string} | null;
	/** The timeline the backup was taken on (the first 8 hex digits of wal.start). */
	timeline: number | null;
	/** The archive (`<PostgreSQL version>-<db id>`) holding its WAL. */
	archiveId: string | null;
	/** pgBackRest found page checksum errors while copying it. */
	checksumErrors: boolean;
	/** How many segments of wal.start..wal.stop are not in the archive, and the first few of them; with any, the backup cannot be restored. */
	missingWalCount: number;
	missingWal: string[];
	/** Null when the backup cannot be restored (its WAL is not all in the archive). */
	restorable: RestoreWindow | null;
};

/** One archive of the stanza (one per PostgreSQL version it has had), with what the repository's files say about it. */
export type CatalogArchive = {
	id: string;
	databaseId: number;
	/** The oldest and newest segment as pgBackRest's info reports them. */
	min: string | null;
	max: string | null;
	segments: number;
	sizeBytes: number;
	/** The newest segment in the listing and when it, and the oldest, reached the repository. */
	newestSegment: string | null;
	oldestAt: string | null;
	newestAt: string | null;
};

/**
 * Everything the repository holds for the stanza: `pgha backups --json`.
 * Stable field names; times ISO 8601 UTC; sizes in bytes.
 */
export type Catalog = {
	stanza: string;
	/** pgBackRest's own verdict: 0 ok, 1 missing stanza path, 2 no valid backups, others are errors. */
	status: {code: number; message: string};
	/** True while pgBackRest holds the stanza's backup lock: a backup or an expire is running. */
	backupRunning: boolean;
	/** From the oldest restorable backup's stop to the newest archived WAL; null when nothing can be restored. */
	restorable: RestoreWindow | null;
	archive: {
		/** WAL segments in the archive, all archives together. */
		segments: number;
		/** Bytes of every file under the stanza's archive directory (segments, history and backup files, archive.info). */
		sizeBytes: number;
		/** Timelines seen in segment and history file names. */
		timelines: number[];
		ids: CatalogArchive[];
	};
	/** Oldest first, as pgBackRest lists them. */
	backups: CatalogBackup[];
};

const iso = (ms: number) => new Date(ms).toISOString();
const shownMissing = 20;

/** The newest and oldest segment of one archive id, by name, with when each reached the repository. */
function archiveEnds(files: readonly ArchiveFile[]): {oldest?: ArchiveFile; newest?: ArchiveFile} {
	let oldest: ArchiveFile | undefined;
	let newest: ArchiveFile | undefined;
	for (const file of files) {
		// pgBackRest never keeps two files of one segment; should a hand-copied one exist, the later time counts.
		if (!oldest || file.wal! < oldest.wal! || (file.wal === oldest.wal && file.modifiedMs > oldest.modifiedMs)) oldest = file;
		if (!newest || file.wal! > newest.wal! || (file.wal === newest.wal && file.modifiedMs > newest.modifiedMs)) newest = file;
	}
	return {oldest, newest};
}

/**
 * Joins pgBackRest's info with the archive's files into what each backup can
 * restore to: from its stop time to the time the newest segment of its archive
 * reached the repository, provided every segment it needs is there. The
 * archive between is assumed unbroken (`pgbackrest verify` proves it).
 */
export function buildCatalog(info: StanzaInfo, files: readonly ArchiveFile[]): Catalog {
	const segmentsOf = new Map<string, ArchiveFile[]>();
	for (const file of files)
		if (file.kind === 'segment' && file.archiveId) segmentsOf.set(file.archiveId, [...(segmentsOf.get(file.archiveId) ?? []), file]);
	const ids: CatalogArchive[] = info.archive.map(archive => {
		const segments = segmentsOf.get(archive.id) ?? [];
		const {oldest, newest} = archiveEnds(segments);
		return {
			id: archive.id,
			databaseId: archive.database.id,
			min: archive.min,
			max: archive.max,
			segments: segments.length,
			sizeBytes: files.filter(f => f.archiveId === archive.id).reduce((sum, f) => sum + f.sizeBytes, 0),
			newestSegment: newest?.wal ?? null,
			oldestAt: oldest ? iso(oldest.modifiedMs) : null,
			newestAt: newest ? iso(newest.modifiedMs) : null,
		};
	});
	const backups = info.backup.map((b): CatalogBackup => {
		const archive = ids.find(a => a.databaseId === b.database.id);
		const present = new Set((archive ? (segmentsOf.get(archive.id) ?? []) : []).map(f => f.wal));
		const {start, stop} = b.archive;
		const needed = start && stop ? (walRange(start, stop) ?? [start, stop]) : [];
		const missing = needed.filter(name => !present.has(name));
		const stopMs = b.timestamp.stop * 1000;
		const newestMs = archive?.newestAt ? Date.parse(archive.newestAt) : undefined;
		const restorable = start && stop && missing.length === 0 && newestMs !== undefined ? {earliest: iso(stopMs), latest: iso(Math.max(stopMs, newestMs))} : null;
		return {
			label: b.label,
			type: b.type,
			prior: b.prior ?? null,
			references: b.reference ?? [],
			start: iso(b.timestamp.start * 1000),
			stop: iso(stopMs),
			durationSeconds: b.timestamp.stop - b.timestamp.start,
			sizeBytes: b.info.size,
			deltaBytes: b.info.delta,
			repositorySizeBytes: b.info.repository.size,
			repositoryDeltaBytes: b.info.repository.delta,
			wal: start && stop ? {start, stop} : null,
			lsn: b.lsn ?? null,
			timeline: start ? walTimeline(start) : null,
			archiveId: archive?.id ?? null,
			checksumErrors: b.error === true,
			missingWalCount: missing.length,
			missingWal: missing.slice(0, shownMissing),
			restorable,
		};
	});
	const windows = backups.flatMap(b => (b.restorable ? [b.restorable] : []));
	const timelines = new Set<number>();
	for (const file of files) {
		if (file.kind === 'segment' && file.wal) timelines.add(walTimeline(file.wal));
		if (file.kind === 'history' && file.timeline !== undefined) timelines.add(file.timeline);
	}
	return {
		stanza: info.name,
		status: {code: info.status.code, message: info.status.message},
		backupRunning: info.status.lock?.backup.held === true,
		// ISO strings of one format sort as the times they name.
		restorable: windows.length > 0 ? {earliest: windows.map(w => w.earliest).sort()[0]!, latest: windows.map(w => w.latest).sort().at(-1)!} : null,
		archive: {
			segments: files.filter(f => f.kind === 'segment').length,
			sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
			timelines: [...timelines].sort((a, b) => a - b),
			ids,
		},
		backups,
	};
}

import type {Answers} from '../../source/answers/schema.js';
import {shQuote} from '../../source/transport/quote.js';
import {locations} from '../kit/locations.js';

/** What a file in the stanza's WAL archive is, from its name. */
export type ArchiveFileKind =
	/** A complete WAL segment: `<24-hex name>-<sha1>[.gz|.lz4|.zst|.bz2]`. */
	| 'segment'
	/** The last, unfinished segment of a timeline a promoted node archived: `<name>.partial-<sha1>...`. */
	| 'partial'
	/** A timeline history file: `0000000N.history`. */
	| 'history'
	/** A backup history file PostgreSQL writes at a backup's stop: `<name>.<offset>.backup`. */
	| 'backup'
	/** archive.info and its copy. */
	| 'info'
	| 'other';

/** One file under the stanza's archive directory, as `find -printf` listed it. */
export type ArchiveFile = {
	/** Path below the stanza's archive directory, e.g. `15-1/0000000100000000/000000010000000000000004-<sha1>.gz`. */
	path: string;
	sizeBytes: number;
	/** Modification time in milliseconds since the epoch (the repository host's clock): when the file reached the repository. */
	modifiedMs: number;
	/** The archive id (`<PostgreSQL version>-<db id>`, e.g. `15-1`) the file belongs to; absent for archive.info. */
	archiveId?: string;
	kind: ArchiveFileKind;
	/** The 24-hex WAL name of a segment, partial segment or backup history file. */
	wal?: string;
	/** The timeline of a history file. */
	timeline?: number;
};

/** The stanza's WAL archive directory on the repository host. */
export function archiveDirectory(answers: Pick<Answers, 'cluster'>): string {
	return `${locations.pgbackrestRepoPath}/archive/${answers.cluster.name}`;
}

/**
 * Lists every file of the stanza's archive with its modification time and
 * size (run as root on the repository host). pgBackRest's own info gives only
 * the oldest and newest segment names; the times and sizes come from here.
 * No directory (no stanza yet) lists nothing rather than failing.
 */
export function archiveListing(answers: Pick<Answers, 'cluster'>): string {
	const dir = shQuote(archiveDirectory(answers));
	return `if [ -d ${dir} ]; then find ${dir} -type f -printf '%T@ %s %P\\n'; fi`;
}

const segmentName = /^([0-9A-F]{24})-[0-9a-f]{40}(?:\.[a-z0-9]+)?$/;
const partialName = /^([0-9A-F]{24})\.partial-[0-9a-f]{40}(?:\.[a-z0-9]+)?$/;
const backupName = /^([0-9A-F]{24})\.[0-9A-F]{8}\.backup$/;
const historyName = /^([0-9A-F]{8})\.history$/;
const archiveId = /^\d+-\d+$/;

/** What a path below the archive directory holds, from its name alone. */
function classify(path: string): Pick<ArchiveFile, 'archiveId' | 'kind' | 'wal' | 'timeline'> {
	const parts = path.split('/');
	const name = parts.at(-1) ?? '';
	const id = parts.length > 1 && archiveId.test(parts[0]!) ? {archiveId: parts[0]!} : {};
	if (parts.length === 1 && (name === 'archive.info' || name === 'archive.info.copy')) return {kind: 'info'};
	const segment = segmentName.exec(name);
	if (segment && parts.length === 3) return {...id, kind: 'segment', wal: segment[1]!};
	const partial = partialName.exec(name);
	if (partial && parts.length === 3) return {...id, kind: 'partial', wal: partial[1]!};
	const backup = backupName.exec(name);
	if (backup && parts.length === 3) return {...id, kind: 'backup', wal: backup[1]!};
	const history = historyName.exec(name);
	if (history && parts.length === 2) return {...id, kind: 'history', timeline: Number.parseInt(history[1]!, 16)};
	return {...id, kind: 'other'};
}

/**
 * The archive listing (`%T@ %s %P` lines) as files, each classified by its
 * name. A line that is not three fields (a file name with a newline in it) is
 * left out: nothing pgBackRest writes has one.
 */
export function parseArchiveListing(text: string): ArchiveFile[] {
	const files: ArchiveFile[] = [];
	for (const line of text.split('\n')) {
		const match = /^(\d+(?:\.\d+)?) (\d+) (.+)$/.exec(line);
		if (!match) continue;
		const path = match[3]!;
		files.push({path, sizeBytes: Number(match[2]), modifiedMs: Math.round(Number(match[1]) * 1000), ...classify(path)});
	}
	return files;
}

import type {Answers} from '../answers/schema.js';
import type {HostRun} from '../../recipes/kit/step.js';
import {archiveDirectory, archiveListing, parseArchiveListing} from '../../recipes/pgbackrest/archive.js';
import {parseStanzaInfo} from '../backup/catalog.js';
import {pgbackrest} from '../../recipes/pgbackrest/probes.js';
import {shQuote} from '../transport/quote.js';
import type {RestoreBackup, RestoreFacts, WalSegment} from './plan.js';
import {parseHistory, timelineOfWal, type Timeline} from './timelines.js';

const historyMark = '== history ';

/**
 * The script that reads, on the repository host, everything a restore is
 * planned from: pgBackRest's info, each archived file with when it arrived,
 * and each timeline history file's text (repo-get decrypts it).
 */
export function restoreFactsScript(answers: Answers): string {
	const stanza = answers.cluster.name;
	const archive = archiveDirectory(answers);
	return [
		`${pgbackrest(answers, 'info --output=json')} | tr -d '\\n'; echo`,
		`echo '== files'`,
		archiveListing(answers),
		`find ${shQuote(archive)} -type f -name '*.history' -printf '%P\\n' 2>/dev/null | while read -r f; do echo "${historyMark}$f"; ${pgbackrest(answers, 'repo-get "archive/' + stanza + '/$f"')} | { gzip -dcf 2>/dev/null || cat; }; done`,
	].join('\n');
}

/** Parses what restoreFactsScript printed. Pure. */
export function parseRestoreFacts(text: string, stanza: string, now: Date): RestoreFacts {
	const [infoLine = '[]', ...rest] = text.split('\n');
	// A backup pgBackRest found page checksum errors in is no start for a restore.
	const infos = parseStanzaInfo(infoLine, stanza).backup.filter(b => !b.error);
	const backups: RestoreBackup[] = infos.map(b => ({
		label: b.label,
		type: b.type,
		startedAt: new Date(b.timestamp.start * 1000),
		stoppedAt: new Date(b.timestamp.stop * 1000),
		timeline: b.archive.start ? timelineOfWal(b.archive.start) : 1,
		lsnStart: b.lsn?.start ?? '0/0',
		lsnStop: b.lsn?.stop ?? '0/0',
		walStop: b.archive?.stop ?? '',
		sizeBytes: b.info.size,
	}));
	const listing: string[] = [];
	const histories = new Map<number, string[]>();
	let section: 'files' | number | undefined;
	for (const line of rest) {
		if (line === '== files') section = 'files';
		else if (line.startsWith(historyMark)) {
			section = Number.parseInt(line.slice(historyMark.length).split('/').at(-1)!.slice(0, 8), 16);
			histories.set(section, []);
		} else if (section === 'files') listing.push(line);
		else if (typeof section === 'number') histories.get(section)!.push(line);
	}
	const files = parseArchiveListing(listing.join('\n'));
	// Segments only: a backup's .backup label file and a promoted node's .partial are not WAL to replay.
	const wal: WalSegment[] = files.filter(f => f.kind === 'segment' && f.wal).map(f => ({name: f.wal!, at: new Date(f.modifiedMs)}));
	const created = new Map(files.filter(f => f.kind === 'history' && f.timeline !== undefined).map(f => [f.timeline!, new Date(f.modifiedMs)]));
	const timelines: Timeline[] = [...new Set([...created.keys(), ...histories.keys()])].map(id => ({
		id,
		...(created.has(id) ? {createdAt: created.get(id)} : {}),
		ancestry: parseHistory((histories.get(id) ?? []).join('\n')),
	}));
	return {backups, timelines, wal, now};
}

/** Reads the repository's backups, WAL and timelines from the repository host. */
export async function readRestoreFacts(run: HostRun, answers: Answers, now = new Date()): Promise<RestoreFacts> {
	const result = await run(restoreFactsScript(answers), {quiet: true, timeoutMs: 120_000});
	return parseRestoreFacts(result.stdout, answers.cluster.name, now);
}

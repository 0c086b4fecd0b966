import type {Answers} from '../answers/schema.js';
import type {HostRun} from '../../recipes/kit/step.js';
import {locations} from '../../recipes/kit/locations.js';
import {pgbackrest} from '../../recipes/pgbackrest/probes.js';
import {shQuote} from '../transport/quote.js';
import type {RestoreBackup, RestoreFacts, WalSegment} from './plan.js';
import {parseHistory, timelineOfWal, type Timeline} from './timelines.js';

/** One backup as `pgbackrest info --output=json` (2.45) reports it: the fields the restore weighs. */
type InfoBackup = {
	label: string;
	type: string;
	timestamp: {start: number; stop: number};
	info: {size: number};
	lsn?: {start: string; stop: string};
	archive?: {start: string; stop: string};
	error?: boolean;
};

const historyMark = '== history ';

/**
 * The script that reads, on the repository host, everything a restore is
 * planned from: pgBackRest's info, each archived file with when it arrived,
 * and each timeline history file's text (repo-get decrypts it).
 */
export function restoreFactsScript(answers: Answers): string {
	const stanza = answers.cluster.name;
	const archive = `${locations.pgbackrestRepoPath}/archive/${stanza}`;
	return [
		`${pgbackrest(answers, 'info --output=json')} | tr -d '\\n'; echo`,
		`echo '== files'`,
		`find ${shQuote(archive)} -type f \\( -name '*.history' -o -name '0*' \\) -printf '%T@ %P\\n' 2>/dev/null || true`,
		`find ${shQuote(archive)} -type f -name '*.history' -printf '%P\\n' 2>/dev/null | while read -r f; do echo "${historyMark}$f"; ${pgbackrest(answers, 'repo-get "archive/' + stanza + '/$f"')} | { gzip -dcf 2>/dev/null || cat; }; done`,
	].join('\n');
}

/** Parses what restoreFactsScript printed. Pure. */
export function parseRestoreFacts(text: string, now: Date): RestoreFacts {
	const [infoLine = '[]', ...rest] = text.split('\n');
	let infos: InfoBackup[] = [];
	try {
		infos = ((JSON.parse(infoLine) as Array<{backup?: InfoBackup[]}>)[0]?.backup ?? []).filter(b => !b.error);
	} catch {
		infos = [];
	}
	const backups: RestoreBackup[] = infos.map(b => ({
		label: b.label,
		type: b.type,
		startedAt: new Date(b.timestamp.start * 1000),
		stoppedAt: new Date(b.timestamp.stop * 1000),
		timeline: b.archive ? timelineOfWal(b.archive.start) : 1,
		lsnStart: b.lsn?.start ?? '0/0',
		lsnStop: b.lsn?.stop ?? '0/0',
		walStop: b.archive?.stop ?? '',
		sizeBytes: b.info.size,
	}));
	const wal: WalSegment[] = [];
	const created = new Map<number, Date>();
	const histories = new Map<number, string[]>();
	let section: 'files' | number | undefined;
	for (const line of rest) {
		if (line === '== files') {
			section = 'files';
			continue;
		}
		if (line.startsWith(historyMark)) {
			section = Number.parseInt(line.slice(historyMark.length).split('/').at(-1)!.slice(0, 8), 16);
			histories.set(section, []);
			continue;
		}
		if (section === 'files') {
			const match = /^(\d+(?:\.\d+)?) (.+)$/.exec(line.trim());
			if (!match) continue;
			const at = new Date(Number(match[1]) * 1000);
			const name = match[2]!.split('/').at(-1)!;
			if (name.endsWith('.history')) created.set(Number.parseInt(name.slice(0, 8), 16), at);
			// Segments only: NAME-sha1 with a compression suffix; a backup's .backup label file is not WAL.
			else if (/^[0-9A-F]{24}(-[0-9a-f]{40})?(\.[a-z0-9]+)?$/.test(name)) wal.push({name: name.slice(0, 24), at});
		} else if (typeof section === 'number') histories.get(section)!.push(line);
	}
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
	return parseRestoreFacts(result.stdout, now);
}

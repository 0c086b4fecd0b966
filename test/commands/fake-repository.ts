import type {Connector} from '../../source/engine/connect.js';
import type {RunResult} from '../../source/transport/ssh.js';
import {archiveListingText, infoJson} from '../backup/fixtures.js';
import {fakeHost} from '../engine/fake-host.js';

type Stanza = {status: {code: number; message: string; lock?: {backup: {held: boolean}}}; archive: Array<Record<string, unknown>>; backup: Array<Record<string, unknown>>};

/** The fixture's stanza (pgBackRest 2.45, four backups on two timelines), to edit. */
export function stanza(edit: (s: Stanza) => void = () => {}): string {
	const value = JSON.parse(infoJson) as Stanza[];
	edit(value[0]!);
	return JSON.stringify(value);
}

/** The fixture's archive listing up to and including a segment name (with archive.info). */
export function listingThrough(last: string): string {
	return archiveListingText
		.split('\n')
		.filter(line => {
			const wal = /\/([0-9A-F]{24})[-.]/.exec(line)?.[1];
			return line.endsWith('archive.info') || line.endsWith('archive.info.copy') || (wal !== undefined && wal <= last);
		})
		.join('\n');
}

/**
 * The repository host of the seed cluster, in memory: pgbackrest info and the
 * archive listing answer from `state` (info: its stdout, or a whole result), and a backup answers `backup` and then
 * moves `state` to `after` (the repository once the backup is done); an
 * Error for `result` is the connection lost under it.
 */
export function fakeRepository(
	state: {info: string | Partial<RunResult>; listing: string},
	backup?: {result: Partial<RunResult> | Error; after?: {info: string; listing: string}},
) {
	const connected: string[] = [];
	let now = state;
	const host = fakeHost('pgbackrestRepo', script => {
		if (script.endsWith(' info --output=json')) return typeof now.info === 'string' ? {stdout: now.info} : now.info;
		if (script.includes('find /var/lib/pgbackrest/archive/')) return {stdout: now.listing};
		if (script.endsWith(' backup') && backup) {
			if (backup.after) now = backup.after;
			if (backup.result instanceof Error) throw backup.result;
			return backup.result;
		}
		return {code: 127, stderr: `fake repository: no answer for ${script}`};
	});
	const connect: Connector = async target => {
		connected.push(target.name);
		return host;
	};
	return {connect, connected, scripts: host.scripts};
}

import {backupHost} from '../answers/hosts.js';
import type {Answers} from '../answers/schema.js';
import {UserError} from '../errors.js';
import type {RunResult} from '../transport/ssh.js';
import type {HostRun} from '../../recipes/kit/step.js';
import {archiveDirectory, archiveListing, parseArchiveListing} from '../../recipes/pgbackrest/archive.js';
import {pgbackrest} from '../../recipes/pgbackrest/probes.js';
import {buildCatalog, parseStanzaInfo, type Catalog} from './catalog.js';

const tail = (result: RunResult) =>
	`${result.stderr}\n${result.stdout}`
		.split('\n')
		.map(line => line.trim())
		.filter(Boolean)
		.slice(-4)
		.join(' | ') || '(no output)';

/**
 * The stanza's catalog, read on the repository host: pgBackRest's info, then
 * the archive's files. In that order, so a segment archived in between only
 * adds to the listing and never leaves a backup info already lists without
 * its WAL. A command that fails is a UserError quoting its last lines
 * (unredacted: the caller redacts what it prints).
 */
export async function readCatalog(run: HostRun, answers: Answers): Promise<Catalog> {
	const host = backupHost(answers)?.name ?? 'the repository host';
	const info = await run(pgbackrest(answers, 'info --output=json'), {quiet: true, check: false});
	if (info.code !== 0) throw new UserError(`pgbackrest info failed on ${host} (exit ${info.code}): ${tail(info)}`);
	let stanza;
	try {
		stanza = parseStanzaInfo(info.stdout, answers.cluster.name);
	} catch (error) {
		throw new UserError(`on ${host}: ${error instanceof Error ? error.message : String(error)}`);
	}
	const listing = await run(archiveListing(answers), {quiet: true, check: false});
	if (listing.code !== 0) throw new UserError(`cannot list ${archiveDirectory(answers)} on ${host} (exit ${listing.code}): ${tail(listing)}`);
	return buildCatalog(stanza, parseArchiveListing(listing.stdout));
}

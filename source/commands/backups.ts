import type {Catalog} from '../backup/catalog.js';
import {formatBackups} from '../backup/format-backups.js';
import {readCatalog} from '../backup/read-catalog.js';
import {redactValue} from '../engine/run-log.js';
import {exitCodes, UsageError, UserError} from '../errors.js';
import type {RunOptions} from '../transport/ssh.js';
import {noBackupHost} from './backup.js';
import type {Command} from './context.js';
import {openRepository} from './repository.js';
import {resolveCluster} from './resolve-cluster.js';

/**
 * What `pgha backups --json` prints: the catalog (field by field in
 * source/backup/catalog.ts) with the cluster and the repository host it
 * came from. The field names are stable.
 */
export type BackupsReport = {cluster: string; repositoryHost: {name: string; ip: string}} & Catalog;

/**
 * `pgha backups [--cluster NAME] [--json]`: every backup in the repository
 * with its WAL and LSN ranges, sizes and the span of time it can restore to;
 * the repository's whole restorable window and its WAL archive first. Exit 1
 * when pgBackRest reports the stanza in error.
 */
export const backups: Command = async (args, flags, io) => {
	if (args.length > 0) throw new UsageError(`backups takes no arguments (got "${args.join(' ')}")`);
	if (flags.type !== undefined) throw new UsageError('--type is for `pgha backup`; `pgha backups` lists every type');
	const {answers} = await resolveCluster(flags, io);
	const {repo, conn, redact} = await openRepository(answers, io, () => noBackupHost(answers.cluster.name));
	try {
		const run = (script: string, options: RunOptions = {}) => conn.run(script, {check: false, ...options});
		const catalog = redactValue(
			await readCatalog(run, answers).catch((error: unknown) => {
				throw error instanceof UserError ? new UserError(redact(error.message), error.exitCode) : error;
			}),
			redact,
		);
		const report: BackupsReport = {cluster: answers.cluster.name, repositoryHost: {name: repo.name, ip: repo.ip}, ...catalog};
		io.out(flags.json ? JSON.stringify(report, null, 2) : formatBackups(catalog, {cluster: answers.cluster.name, host: repo.name, ip: repo.ip}));
		// 0 ok, 2 no valid backups yet (listed as such); anything else is pgBackRest reporting an error.
		const healthy = catalog.status.code === 0 || catalog.status.code === 2;
		if (!healthy) io.err(`pgha: pgBackRest reports the stanza "${catalog.stanza}" in error on ${repo.name}: ${catalog.status.message} (status ${catalog.status.code})`);
		return healthy ? exitCodes.ok : exitCodes.failed;
	} finally {
		conn.close();
	}
};

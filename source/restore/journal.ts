import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {pghaHome} from '../paths.js';

/**
 * An unfinished restore, kept beside the saved cluster from the moment it
 * starts until the cluster serves again: a re-run of `pgha restore` reads it
 * and finishes the same restore, and install and repair refuse to run across it.
 */
export type RestoreJournal = {
	/** Names the restore's markers on the hosts, so a re-run knows what it already did. */
	id: string;
	cluster: string;
	/** The target, as targetKey() writes it. */
	target: string;
	/** The PostgreSQL host restored first, which leads afterwards. */
	leader: string;
	backup: string;
	timeline: number;
	restoreOptions: string[];
	startedAt: string;
	/** Restoring a new cluster from this one's repository (restore --into). */
	source?: string;
};

/** A new restore's id: when it started, to the second, and a few random hex digits; it names the restore's marks on the hosts. */
export function newRestoreId(now = new Date()): string {
	return `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** Where a cluster's unfinished restore is recorded. */
export function journalFile(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
	return join(pghaHome(env), 'clusters', `${cluster}.restore.json`);
}

/** The cluster's unfinished restore, if one is recorded. */
export function readJournal(cluster: string, env: NodeJS.ProcessEnv = process.env): RestoreJournal | undefined {
	const file = journalFile(cluster, env);
	if (!existsSync(file)) return undefined;
	return JSON.parse(readFileSync(file, 'utf8')) as RestoreJournal;
}

/** Records a restore before it changes anything (0600, replaced whole so a crash leaves the old or the new one). */
export function saveJournal(journal: RestoreJournal, env: NodeJS.ProcessEnv = process.env): void {
	const file = journalFile(journal.cluster, env);
	mkdirSync(dirname(file), {recursive: true, mode: 0o700});
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(journal, null, 2)}\n`, {mode: 0o600, flag: 'wx'});
	chmodSync(temporary, 0o600);
	renameSync(temporary, file);
}

/** Forgets a finished restore. */
export function clearJournal(cluster: string, env: NodeJS.ProcessEnv = process.env): void {
	rmSync(journalFile(cluster, env), {force: true});
}

import {chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {HostAnswers} from '../answers/schema.js';
import {pghaHome} from '../paths.js';

/**
 * A removal under way, kept beside the saved cluster from before anything
 * changes until the run verified the cluster without the host. The saved
 * answers forget the host part way through (the convergent run saves them),
 * so a re-run learns the host's address and roles from here.
 */
export type RemovalJournal = {
	cluster: string;
	host: HostAnswers;
	/** Where the host stood in the answers: a re-run puts it back there, so the balancers' and nodes' order is the same. */
	index: number;
	wipe: boolean;
	startedAt: string;
};

/** Where a cluster's unfinished removal is recorded. */
export function removalJournalFile(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
	return join(pghaHome(env), 'clusters', `${cluster}.remove-node.json`);
}

/** The cluster's unfinished removal, if one is recorded. */
export function readRemovalJournal(cluster: string, env: NodeJS.ProcessEnv = process.env): RemovalJournal | undefined {
	const file = removalJournalFile(cluster, env);
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RemovalJournal) : undefined;
}

/** Records a removal before it changes anything (0600, replaced whole so a crash leaves the old or the new one). */
export function saveRemovalJournal(journal: RemovalJournal, env: NodeJS.ProcessEnv = process.env): void {
	const file = removalJournalFile(journal.cluster, env);
	mkdirSync(dirname(file), {recursive: true, mode: 0o700});
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(journal, null, 2)}\n`, {mode: 0o600});
	chmodSync(temporary, 0o600);
	renameSync(temporary, file);
}

/** Forgets a finished removal. */
export function clearRemovalJournal(cluster: string, env: NodeJS.ProcessEnv = process.env): void {
	rmSync(removalJournalFile(cluster, env), {force: true});
}

import {backupHost} from '../answers/hosts.js';
import type {Answers, HostAnswers} from '../answers/schema.js';
import {secretValues} from '../answers/secrets.js';
import {connectAll} from '../engine/connect.js';
import {redactor} from '../engine/run-log.js';
import type {HostConnection} from '../transport/ssh.js';
import type {Io} from './context.js';

/** The repository host of a cluster, one connection to it, and the redactor for what it prints. */
export type OpenRepository = {repo: HostAnswers; conn: HostConnection; redact: (text: string) => string};

/**
 * Connects to the cluster's repository host: what backup, backups and backup
 * verify work on. A cluster without one is refused with the caller's error,
 * before any host is contacted. The caller closes the connection.
 */
export async function openRepository(answers: Answers, io: Io, noRepository: () => Error): Promise<OpenRepository> {
	const repo = backupHost(answers);
	if (!repo) throw noRepository();
	const connections = await connectAll(answers, [repo], io.connect, io.env);
	// What the repository host says is printed or thrown: redacted first, like status does.
	return {repo, conn: connections.get(repo.name)!, redact: redactor(secretValues(answers))};
}

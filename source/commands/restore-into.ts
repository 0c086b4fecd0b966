import {backupHost, hostsWithRole} from '../answers/hosts.js';
import type {Answers} from '../answers/schema.js';
import {listClusters} from '../answers/store.js';
import {connectAll, connectSome} from '../engine/connect.js';
import {UsageError, exitCodes} from '../errors.js';
import {readRestoreFacts} from '../restore/facts.js';
import {newRestoreId, readJournal, saveJournal, type RestoreJournal} from '../restore/journal.js';
import {describePlan, planRestore} from '../restore/plan.js';
import type {SourceRepository} from '../restore/run.js';
import {describeTarget, parseTarget, targetFromKey, targetKey} from '../restore/target.js';
import {shQuote} from '../transport/quote.js';
import type {HostConnection} from '../transport/ssh.js';
import {locations} from '../../recipes/kit/locations.js';
import {repoConfigPath} from '../../recipes/pgbackrest/render.js';
import {isPrimary} from '../../recipes/postgres/probes.js';
import {archiveNow} from '../../recipes/postgres/restore-steps.js';
import type {Flags, Io} from './context.js';
import {resolveCluster} from './resolve-cluster.js';
import {runRestore} from './run-restore.js';

const authorizedKeys = `${locations.postgresSshDir}/authorized_keys`;

/**
 * `pgha restore --into ANSWERS [--cluster SOURCE] [--to TARGET] [--yes]`: a
 * new cluster, with its own name and hosts, installed from the answers and
 * restored from the source cluster's repository (a staging copy, or recovery
 * after every PostgreSQL host was lost). The source is only read: its
 * repository lets the new leader in for the restore and forgets it after.
 */
export async function restoreInto(flags: Flags, io: Io): Promise<number> {
	const target = parseTarget(flags.to ?? 'latest');
	if (!target.ok) throw new UsageError(`--to: ${target.problem}`);
	const into = await resolveCluster({...flags, answers: flags.into, cluster: undefined, bundle: undefined}, io);
	const source = await resolveCluster({...flags, answers: undefined}, io).catch((error: unknown) => {
		if (error instanceof UsageError && /several saved clusters/.test(error.message)) throw new UsageError(`${error.message.replace(/; pass --cluster NAME$/, '')}; pass --cluster SOURCE, the cluster whose backups the new one is restored from`);
		throw error;
	});
	const problem = intoProblem(source.answers, into.answers, io.env);
	if (problem) throw new UsageError(`${problem}; nothing was changed`);
	const repository = backupHost(source.answers)!;
	const connection = (await connectAll(source.answers, [repository], io.connect, io.env)).get(repository.name)!;
	try {
		const repo = sourceRepository(source.answers, connection, (await connection.run(`cat ${locations.sshHostKey}`)).stdout);
		// Before a plan or a resumed run alike: a restore that stopped short of its target needs this to get there.
		await archiveSourceNow(source.answers, io);
		const unfinished = readJournal(into.answers.cluster.name, io.env);
		if (unfinished && (flags.to === undefined || unfinished.target === targetKey(target.target))) {
			io.out(`restore: finishing the restore of new cluster "${into.answers.cluster.name}" from cluster ${repo.cluster}, to ${describeTarget(targetFromKey(unfinished.target))}, started ${unfinished.startedAt}`);
			return await runRestore(into.answers, into.raw, unfinished, io, repo);
		}
		const result = planRestore(await readRestoreFacts(connection.run.bind(connection), source.answers), target.target);
		if (!result.ok) throw new UsageError(`cannot restore to ${describeTarget(target.target)}: ${result.problem}; nothing was changed`);
		const postgres = hostsWithRole(into.answers, 'postgres').map(h => h.name);
		const leader = postgres[0]!;
		io.out(
			describePlan(result.plan, {cluster: into.answers.cluster.name, leader, replicas: postgres.slice(1), repository: repository.name, vip: into.answers.network.vip, source: source.answers.cluster.name}).join('\n'),
		);
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm(`Install new cluster "${into.answers.cluster.name}" on ${into.answers.hosts.length} hosts, restored from cluster ${repo.cluster}?`))) return exitCodes.failed;
		}
		const journal: RestoreJournal = {
			id: newRestoreId(),
			cluster: into.answers.cluster.name,
			target: targetKey(target.target),
			leader,
			backup: result.plan.backup.label,
			timeline: result.plan.timeline,
			restoreOptions: result.plan.restoreOptions,
			startedAt: new Date().toISOString(),
			source: repo.cluster,
		};
		saveJournal(journal, io.env);
		return await runRestore(into.answers, into.raw, journal, io, repo);
	} finally {
		connection.close();
	}
}

/** The source's primary archives up to now, so a target up to this moment is in its repository; a source with no running primary is left as it is. */
async function archiveSourceNow(answers: Answers, io: Io): Promise<void> {
	const {connections} = await connectSome(answers, hostsWithRole(answers, 'postgres'), io.connect, io.env);
	try {
		for (const conn of connections.values()) {
			const run = conn.run.bind(conn);
			if (await isPrimary(run).catch(() => false)) {
				await archiveNow(run);
				return;
			}
		}
	} finally {
		for (const conn of connections.values()) conn.close();
	}
}

/** Why these answers cannot be the new cluster restored from the source, or undefined. Pure but for the saved clusters' names. */
function intoProblem(source: Answers, into: Answers, env: NodeJS.ProcessEnv): string | undefined {
	if (!backupHost(source)) return `cluster ${source.cluster.name} has no backup host, so there is nothing to restore from`;
	if (into.cluster.name === source.cluster.name) return `the new cluster needs a name of its own (cluster.name is ${into.cluster.name}, the name of the source); to restore ${source.cluster.name} itself, run \`pgha restore --cluster ${source.cluster.name} --to ...\``;
	if (listClusters(env).includes(into.cluster.name) && !readJournal(into.cluster.name, env))
		return `a cluster named ${into.cluster.name} is already saved; choose another cluster.name, or remove the saved one first (pgha answers remove ${into.cluster.name})`;
	const taken = into.hosts.filter(h => source.hosts.some(s => s.ip === h.ip || s.name === h.name));
	if (taken.length > 0)
		return `${taken.map(h => `${h.name} (${h.ip})`).join(', ')} belong${taken.length === 1 ? 's' : ''} to cluster ${source.cluster.name}; the new cluster needs hosts of its own, so the source stays untouched`;
	if (!backupHost(into)) return 'the new cluster needs a backup host of its own: its first full backup goes there';
	return undefined;
}

/** The source repository as the new leader reaches it, with the access given and taken on its host through `connection`. */
function sourceRepository(answers: Answers, connection: HostConnection, hostKeyFile: string): SourceRepository {
	const repository = backupHost(answers)!;
	// Keys are public; one line each, added once and removed by exact match, so the cluster's own keys stay as they were.
	const edit = (script: string) => connection.run(`install -d -o postgres -g postgres -m 700 ${locations.postgresSshDir} && touch ${authorizedKeys} && chown postgres:postgres ${authorizedKeys} && chmod 600 ${authorizedKeys} && ${script}`);
	return {
		cluster: answers.cluster.name,
		ip: repository.ip,
		port: answers.ssh.port,
		configPath: repoConfigPath(answers),
		hostKey: hostKeyFile.trim().split(/\s+/).slice(0, 2).join(' '),
		authorize: async key => void (await edit(`{ grep -qxF ${shQuote(key)} ${authorizedKeys} || echo ${shQuote(key)} >> ${authorizedKeys}; }`)),
		revoke: async key => void (await edit(`{ grep -vxF ${shQuote(key)} ${authorizedKeys} > ${authorizedKeys}.pgha || true; } && cat ${authorizedKeys}.pgha > ${authorizedKeys} && rm -f ${authorizedKeys}.pgha`)),
	};
}

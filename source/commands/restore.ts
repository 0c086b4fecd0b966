import {createInterface} from 'node:readline/promises';
import {backupHost, hostsWithRole} from '../answers/hosts.js';
import type {Answers} from '../answers/schema.js';
import {connectSome} from '../engine/connect.js';
import {UsageError, UserError, exitCodes} from '../errors.js';
import {newRestoreId, readJournal, saveJournal, type RestoreJournal} from '../restore/journal.js';
import {readRestoreFacts} from '../restore/facts.js';
import {describePlan, planRestore, restorableRange, type RestoreFacts} from '../restore/plan.js';
import {describeTarget, formatUtc, parseTarget, targetFromKey, targetKey, type RestoreTarget} from '../restore/target.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {patroniMembers} from '../../recipes/postgres/probes.js';
import type {Command, Flags, Io} from './context.js';
import {requireConfirmable} from './live-cluster.js';
import {resolveCluster} from './resolve-cluster.js';
import {runRestore} from './run-restore.js';

/**
 * `pgha restore [--cluster NAME] --to TIME|LSN|latest|BACKUP-LABEL [--yes]`:
 * point-in-time recovery of the whole cluster from its pgBackRest repository.
 * The plan comes first (backup, WAL to replay, what is lost, downtime); then
 * writes stop, the leader is restored and promoted on a new timeline, a fresh
 * full backup is taken and the replicas are re-created from it. The restore is
 * recorded before it starts: `pgha restore` with no --to (or the same one)
 * finishes an interrupted restore.
 */
export const restore: Command = async (args, flags, io) => {
	if (args.length > 0) throw new UsageError(`restore takes no arguments (got "${args.join(' ')}"); say what to restore to with --to TIME|LSN|latest|BACKUP-LABEL`);
	if (flags.answers) throw new UsageError('restore works on a saved cluster; pass --cluster NAME instead of --answers (or --into ANSWERS to restore it into new hosts as a new cluster)');
	if (flags.into !== undefined) return (await import('./restore-into.js')).restoreInto(flags, io);
	requireConfirmable(flags, io, 'restore');
	const {answers, raw, env} = await resolveCluster(flags, io);
	const parsed = flags.to === undefined ? undefined : parseTarget(flags.to);
	if (parsed && !parsed.ok) throw new UsageError(`--to: ${parsed.problem}`);
	const repository = backupHost(answers);
	if (!repository) throw new UserError(`cluster ${answers.cluster.name} has no backup host, so there is nothing to restore from`);
	const unfinished = readJournal(answers.cluster.name, env);
	if (unfinished && (!parsed || targetKey(parsed.target) === unfinished.target)) {
		io.out(`restore: finishing the restore of "${answers.cluster.name}" to ${describeTarget(targetFromKey(unfinished.target))}, started ${unfinished.startedAt} (backup ${unfinished.backup}, ${unfinished.leader} leads)`);
		return runRestore(answers, raw, unfinished, io);
	}
	if (!parsed && !io.interactive) throw new UsageError('say what to restore to: --to TIME (2026-12-01 05:10:00Z), --to LSN, --to latest or --to BACKUP-LABEL (see `pgha backups`)');
	const journal = await planAndConfirm(answers, parsed?.target, unfinished, flags, io);
	if (!journal) return exitCodes.failed;
	saveJournal(journal, env);
	return runRestore(answers, raw, journal, io);
};

/**
 * On a terminal with no --to: the range the repository can restore to and
 * its backups, then the target asked for (latest when left empty), until one parses.
 */
async function askTarget(facts: RestoreFacts, io: Io): Promise<RestoreTarget> {
	const range = restorableRange(facts);
	io.out(`The repository can restore to any moment from ${range.from ? formatUtc(range.from) : '?'} to ${range.to ? formatUtc(range.to) : '?'} (UTC), or to the end of one of its backups:`);
	for (const b of [...facts.backups].sort((x, y) => x.stoppedAt.getTime() - y.stoppedAt.getTime())) io.out(`  ${b.label}  ${b.type.padEnd(4)}  finished ${formatUtc(b.stoppedAt)}  timeline ${b.timeline}`);
	const rl = createInterface({input: process.stdin, output: process.stdout});
	try {
		for (;;) {
			const answer = (await rl.question('Restore to (a time like 2026-12-01 05:10:00, an LSN, a backup label, or latest) [latest]: ')).trim() || 'latest';
			const parsed = parseTarget(answer);
			if (parsed.ok) return parsed.target;
			io.out(parsed.problem);
		}
	} finally {
		rl.close();
	}
}

/** Reads the repository, shows the plan and asks; the journal to run, or undefined when the person said no. */
async function planAndConfirm(answers: Answers, given: RestoreTarget | undefined, unfinished: RestoreJournal | undefined, flags: Flags, io: Io): Promise<RestoreJournal | undefined> {
	const repository = backupHost(answers)!;
	const postgres = hostsWithRole(answers, 'postgres');
	const {connections, unreachable} = await connectSome(answers, [repository, ...postgres.filter(h => h.name !== repository.name)], io.connect, io.env);
	try {
		const runOn = peerRun(connections);
		const repoRun = runOn(repository.name);
		if (!repoRun) throw new UserError(`the repository host ${repository.name} cannot be reached (${unreachable.get(repository.name) ?? 'no answer'}); a restore reads the backups there`);
		const facts = await readRestoreFacts(repoRun, answers);
		const target = given ?? (await askTarget(facts, io));
		const result = planRestore(facts, target);
		if (!result.ok) throw new UsageError(`cannot restore to ${describeTarget(target)}: ${result.problem}; nothing was changed`);
		// The node that leads now is restored (its clients expect it); with no leader, the first PostgreSQL host.
		let leader: string | undefined;
		for (const host of postgres) {
			const run = runOn(host.name);
			const members = run ? await patroniMembers(run).catch(() => []) : [];
			leader = members.find(m => m.Role === 'Leader')?.Member;
			if (members.length > 0) break;
		}
		if (!leader || !postgres.some(h => h.name === leader)) leader = postgres[0]!.name;
		const replicas = postgres.map(h => h.name).filter(n => n !== leader);
		if (unfinished) io.out(`restore: an unfinished restore to ${describeTarget(targetFromKey(unfinished.target))} (started ${unfinished.startedAt}) is recorded; this restore replaces it.`);
		io.out(describePlan(result.plan, {cluster: answers.cluster.name, leader, replicas, repository: repository.name, vip: answers.network.vip}).join('\n'));
		if (unreachable.size > 0) io.out(`  note: ${[...unreachable.keys()].join(', ')} did not answer now; the restore needs every host`);
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm(`Restore "${answers.cluster.name}" now? Writes stop until ${leader} is promoted, and changes after the target are discarded.`))) return undefined;
		}
		return {
			id: newRestoreId(),
			cluster: answers.cluster.name,
			target: targetKey(target),
			leader,
			backup: result.plan.backup.label,
			timeline: result.plan.timeline,
			restoreOptions: result.plan.restoreOptions,
			startedAt: new Date().toISOString(),
		};
	} finally {
		for (const conn of connections.values()) conn.close();
	}
}

import {readFile} from 'node:fs/promises';
import {validateAnswers} from '../answers/load.js';
import {formatProblems} from '../answers/problem.js';
import type {Answers, AnswersInput} from '../answers/schema.js';
import {secretValues} from '../answers/secrets.js';
import {forgetHostKeys} from '../answers/store.js';
import {connectSome} from '../engine/connect.js';
import {applyCluster} from '../engine/install.js';
import {redactor} from '../engine/run-log.js';
import {UsageError, UserError, exitCodes} from '../errors.js';
import {chooseSwitchover, switchover as runSwitchover, switchoverFacts} from '../failover/switchover.js';
import {caCertPath} from '../keys/store.js';
import {clearRemovalJournal, readRemovalJournal, saveRemovalJournal, type RemovalJournal} from '../remove-node/journal.js';
import {removalPlan} from '../remove-node/plan.js';
import {judgeRemoval, withoutHost, type RemovalJudgement} from '../remove-node/rules.js';
import {removeNode as runRemoval} from '../remove-node/run.js';
import type {HostConnection} from '../transport/ssh.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {vipHolders} from '../../recipes/keepalived/probes.js';
import type {Command, Flags, Io} from './context.js';
import {requireConfirmable} from './live-cluster.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

const usage = 'remove-node takes one host name: pgha remove-node NAME [--cluster NAME] [--wipe] [--switchover] [--yes] [--dry-run]';

/**
 * The cluster's answers that still list the host: the saved ones, or, when a
 * removal of it stopped after the answers were saved without it, those with
 * the host put back from the removal's journal.
 */
async function clusterWithHost(name: string, flags: Flags, io: Io): Promise<{answers: Answers; raw: AnswersInput; env: NodeJS.ProcessEnv; journal?: RemovalJournal}> {
	const {answers, raw, env} = await resolveCluster(flags, io);
	const journal = readRemovalJournal(answers.cluster.name, io.env);
	if (journal && journal.host.name !== name)
		throw new UsageError(`the removal of ${journal.host.name} from cluster ${answers.cluster.name} is unfinished; run \`pgha remove-node ${journal.host.name} --cluster ${answers.cluster.name}\` to finish it first`);
	if (!journal || raw.hosts.some(h => h.name === name)) return {answers, raw, env, ...(journal ? {journal} : {})};
	const hosts = [...raw.hosts];
	hosts.splice(Math.min(journal.index, hosts.length), 0, journal.host);
	const back = {...raw, hosts};
	const result = validateAnswers(back, env);
	if (!result.ok) throw new UsageError(`the unfinished removal of ${name} cannot be resumed:\n${formatProblems(result.problems)}`);
	return {answers: result.answers, raw: back, env, journal};
}

/**
 * `pgha remove-node NAME [--cluster NAME] [--wipe] [--switchover] [--yes]
 * [--dry-run]`: a host leaves the cluster with every role it carries. The
 * refusals come first (exit 2, nothing changed), then the plan and a
 * confirmation; the rest of the cluster forgets the host through the same
 * convergent run as install, and verify ends it.
 */
export const removeNode: Command = async (args, flags, io) => {
	if (args.length !== 1 || !args[0]) throw new UsageError(args.length === 0 ? `${usage}` : `${usage} (got "${args.join(' ')}")`);
	const name = args[0];
	if (!flags.dryRun) requireConfirmable(flags, io, 'remove-node');
	const {answers, raw, env, journal} = await clusterWithHost(name, flags, io);
	// A removal begun with --wipe keeps it when a re-run finishes it.
	const wipe = Boolean(flags.wipe) || journal?.wipe === true;
	const cluster = answers.cluster.name;
	const remainingRaw = withoutHost(raw, name);
	const remaining = validateAnswers(remainingRaw, env);
	const refused = (judgement: RemovalJudgement): number | undefined => {
		const refusals = judgement.ok ? [] : [...judgement.refusals];
		if (judgement.ok && !remaining.ok) refusals.push(`the answers without ${name} would not be valid:\n    ${formatProblems(remaining.problems).split('\n').join('\n    ')}`);
		if (refusals.length === 0) return undefined;
		io.err(`pgha: remove-node ${name} refused, nothing was changed:\n  ${refusals.join('\n  ')}`);
		return exitCodes.usage;
	};
	// What the answers alone refuse is refused before any host is contacted; only the leader needs the live cluster.
	const first = judgeRemoval({answers, name, switchover: Boolean(flags.switchover)});
	if (!first.ok && !answers.hosts.some(h => h.name === name)) throw new UsageError(first.refusals[0]!);
	const early = refused(first);
	if (early !== undefined) return early;
	const redact = redactor(secretValues(answers));
	const {connections, unreachable} = await connectSome(answers, answers.hosts, io.connect, env);
	const close = () => {
		for (const conn of connections.values()) conn.close();
	};
	try {
		const silent = [...unreachable.keys()].filter(host => host !== name);
		if (silent.length > 0)
			throw new UserError(`the hosts that stay must answer, nothing was changed:\n  ${redact(silent.map(host => unreachable.get(host)!).join('\n  '))}`);
		const {members, rows} = await switchoverFacts(answers, connections);
		const leader = members.find(m => m.Role === 'Leader')?.Member;
		if (!leader && answers.hosts.some(h => h.name === name && h.roles.includes('postgres')))
			throw new UserError(`Patroni names no leader, so whether ${name} leads cannot be told; nothing was changed. See \`pgha status\`, and \`pgha repair\``);
		const judgement = judgeRemoval({answers, name, leader, switchover: Boolean(flags.switchover)});
		const late = refused(judgement);
		if (late !== undefined || !judgement.ok || !remaining.ok) return late ?? exitCodes.usage;
		const host = judgement.host;
		const runOn = peerRun(connections);
		const [vipHolder] = await vipHolders(answers, runOn);
		const reachable = connections.has(name);
		const plan = removalPlan({answers, host, ...(leader ? {leader} : {}), switchoverFirst: judgement.switchoverFirst, ...(vipHolder ? {vipHolder} : {}), reachable, wipe, notes: judgement.notes});
		if (journal) io.out(`remove-node: the removal of ${name} started earlier is unfinished; this run finishes it`);
		io.out(plan.join('\n'));
		if (flags.dryRun) return exitCodes.ok;
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm(`Remove ${name} from "${cluster}"?`))) return exitCodes.failed;
		}
		saveRemovalJournal({cluster, host, index: answers.hosts.findIndex(h => h.name === name), wipe, startedAt: new Date().toISOString()}, io.env);
		const log = (line: string) => io.out(redact(line));
		const ok = await runRemoval({
			answers,
			remaining: remaining.answers,
			host,
			runOn,
			wipe,
			log,
			...(judgement.switchoverFirst ? {switchover: () => handLeaderOver(answers, connections, members, rows, log, redact, io)} : {}),
			converge: async () => {
				const outcome = await applyCluster({answers: remaining.answers, raw: remainingRaw, emit: plainProgress(io, io.env['PGHA_VERBOSE'] === '1'), env: io.env, connect: io.connect});
				if (!outcome.ok) io.err(`pgha: the rest of the cluster did not converge${outcome.failed ? ` (${outcome.failed.host} at "${outcome.failed.step}")` : ''}.\n  Full log: ${outcome.logFile}`);
				return outcome.ok;
			},
		}).catch((error: unknown) => {
			io.err(`pgha: remove-node ${name} stopped: ${redact(error instanceof Error ? error.message : String(error))}`);
			return false;
		});
		if (!ok) {
			io.err(`pgha: ${name} is not fully removed; run \`pgha remove-node ${name} --cluster ${cluster} --yes\` again to finish (what is done is not done twice).`);
			return exitCodes.failed;
		}
		forgetHostKeys(cluster, [name], io.env);
		clearRemovalJournal(cluster, io.env);
		io.out(`pgha: ${name} left cluster "${cluster}"; the remaining hosts verified${reachable ? '' : ` (${name} did not answer: its services still run there)`}.`);
		return exitCodes.ok;
	} finally {
		close();
	}
};

/** The switchover the removal of the leader starts with: pgha switchover's own pre-checks and run. */
async function handLeaderOver(
	answers: Answers,
	connections: Map<string, HostConnection>,
	members: Awaited<ReturnType<typeof switchoverFacts>>['members'],
	rows: Awaited<ReturnType<typeof switchoverFacts>>['rows'],
	log: (line: string) => void,
	redact: (text: string) => string,
	io: Io,
): Promise<void> {
	const choice = chooseSwitchover(members, rows, answers.patroni.maximumLagOnFailover);
	if (!choice.ok) throw new Error(`the switchover was refused, nothing was changed: ${choice.problems.join('; ')}`);
	const path = caCertPath(answers, io.env);
	const ca = await readFile(path, 'utf8').catch(() => {
		throw new Error(`${path} (the cluster CA the switchover's writers check the VIP with) cannot be read`);
	});
	const report = await runSwitchover(answers, connections, ca, choice, log);
	if (report.problems.length > 0) throw new Error(`the switchover did not finish cleanly: ${redact(report.problems.join('; '))}`);
	log(`switchover: ${report.to} leads; writes through ${answers.network.vip}:5000 paused ${(report.pauseMs / 1000).toFixed(1)} s`);
}

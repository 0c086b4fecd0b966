import type {Answers} from '../answers/schema.js';
import {findParameter, normaliseParameter} from '../answers/pg-parameters.js';
import type {HostConnection} from '../transport/ssh.js';
import {shQuote} from '../transport/quote.js';
import type {HostRun, Step, StepContext} from '../../recipes/kit/step.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {waitFor} from '../../recipes/kit/wait-for.js';
import {patroniMembers, patronictlWithin, replicationRows, runningServerBuild, runningSettings, type RunningSetting} from '../../recipes/postgres/probes.js';
import {installedPackages} from '../../recipes/host/packages.js';
import {wantedParameters} from '../../recipes/postgres/parameters.js';
import {planRestart, type RestartMove, type RestartPlan} from './restart-plan.js';
import {switchover as runSwitchover, switchoverFacts, type SwitchoverReport} from './switchover.js';

const patroniPending = 'Patroni marks it pending restart';
const serverBuildReason = 'PostgreSQL';

/** True for the reason newerServer gives: another build of the server is installed than runs. */
export const isNewServerReason = (reason: string): boolean => reason.startsWith(`${serverBuildReason} `);

/** How long a restarted member may take to run and stream again. */
const rejoinMs = 300_000;

// Lists (shared_preload_libraries) read back with PostgreSQL's own spacing.
const sameText = (a: string, b: string) => a.replace(/\s*,\s*/g, ',').replace(/"/g, '').trim() === b.replace(/\s*,\s*/g, ',').replace(/"/g, '').trim();

/**
 * Why a member must restart, from its running PostgreSQL: each of the
 * answers' postmaster parameters whose running value differs from the
 * answer (compared as PostgreSQL normalises it), and each parameter
 * pg_settings marks pending_restart. Empty when nothing waits. Pure.
 */
export function restartReasons(answers: Answers, running: readonly RunningSetting[]): string[] {
	const reasons = new Map<string, string>();
	for (const [name, value] of Object.entries(wantedParameters(answers))) {
		const spec = findParameter(name)?.spec;
		if (spec?.context !== 'postmaster') continue;
		// -1 asks PostgreSQL to size it (wal_buffers): pg_settings then shows the size it chose, never -1.
		if (spec.min === -1 && normaliseParameter(name, value) === '-1') continue;
		const now = running.find(s => s.name.toLowerCase() === name.toLowerCase());
		if (!now) continue;
		const differs = spec.type === 'string' ? !sameText(now.setting, String(value)) : normaliseParameter(name, now.setting) !== normaliseParameter(name, value);
		if (differs) reasons.set(now.name, `${now.name} needs a restart`);
	}
	for (const s of running) if (s.pendingRestart && !reasons.has(s.name)) reasons.set(s.name, `${s.name} needs a restart`);
	return [...reasons.values()];
}

/**
 * The restart reasons of the member a run reaches, from its PostgreSQL and
 * from Patroni's own pending_restart flag for it (set for a setting Patroni
 * passes on the command line); none when PostgreSQL does not answer there.
 */
export async function memberRestartReasons(answers: Answers, run: HostRun, member?: string): Promise<string[]> {
	const server = `postgresql-${answers.cluster.postgresVersion}`;
	const [running, members, build, installed] = await Promise.all([
		runningSettings(run, Object.keys(wantedParameters(answers)).filter(name => findParameter(name)?.spec.context === 'postmaster')),
		member ? patroniMembers(run).catch(() => []) : Promise.resolve([]),
		runningServerBuild(run),
		installedPackages({run}, [server]),
	]);
	if (!running) return [];
	const reasons = restartReasons(answers, running);
	if (reasons.length === 0 && members.find(m => m.Member === member)?.['Pending restart']) reasons.push(patroniPending);
	const now = installed.get(server);
	const binary = newerServer(build, now?.installed ? now.version : undefined);
	if (binary) reasons.push(binary);
	return reasons;
}

/**
 * Why a running server must restart onto the installed one: PostgreSQL of
 * another build is installed under it (a minor upgrade's packages are in, the
 * server still runs the old code). Undefined when they match or either is unknown. Pure.
 */
export function newerServer(running: string | undefined, installed: string | undefined): string | undefined {
	if (!running || !installed || running === installed) return undefined;
	return `${serverBuildReason} ${installed} is installed, ${running} runs`;
}

/** True once a member runs under Patroni and, when it is a replica, streams from the leader within the lag limit. */
export async function memberServing(answers: Answers, connections: ReadonlyMap<string, HostConnection>, member: string): Promise<boolean> {
	const runOn = peerRun(connections);
	const own = runOn(member);
	if (!own) return false;
	const members = await patroniMembers(own);
	const me = members.find(m => m.Member === member);
	if (!me || !['running', 'streaming'].includes(me.State)) return false;
	const leader = members.find(m => m.Role === 'Leader')?.Member;
	if (!leader) return false;
	if (leader === member) return true;
	const onLeader = runOn(leader);
	if (!onLeader) return false;
	const row = (await replicationRows(onLeader)).find(r => r.name === member);
	return row !== undefined && row.state === 'streaming' && row.lagBytes >= 0 && row.lagBytes <= answers.patroni.maximumLagOnFailover;
}

/**
 * Restarts one member's PostgreSQL through Patroni (`patronictl restart
 * --force`, its REST password from the node's own configuration) and waits
 * until it runs again and, as a replica, streams with its lag caught up.
 * Returns how long that took (ms).
 */
export async function restartMember(answers: Answers, connections: ReadonlyMap<string, HostConnection>, member: string): Promise<number> {
	const run = peerRun(connections)(member);
	if (!run) throw new Error(`${member} is not reachable over SSH`);
	const started = Date.now();
	const result = await run(`${patronictlWithin(180)} restart --force ${shQuote(answers.cluster.name)} ${shQuote(member)}`, {timeoutMs: 200_000});
	if (result.code !== 0) throw new Error(`patronictl restart of ${member} failed: ${`${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-2).join(' ')}`);
	await waitFor(`${member} to run and stream again after its restart`, () => memberServing(answers, connections, member), rejoinMs);
	return Date.now() - started;
}

/** The cluster's restart plan now, as Patroni and the leader's replication view show it. */
export async function currentRestartPlan(answers: Answers, connections: ReadonlyMap<string, HostConnection>, scope: Parameters<typeof planRestart>[3] = {}): Promise<RestartPlan> {
	const {members, rows} = await switchoverFacts(answers, connections);
	return planRestart(members, rows, answers.patroni.maximumLagOnFailover, scope);
}

/** What a rolling restart did: each member's restart time, and the switchover's pause of writes. */
export type RollingRestartReport = {restarted: Array<{member: string; ms: number}>; switchover?: SwitchoverReport; problems: string[]};

/**
 * Carries out a planned rolling restart, one move at a time; before each
 * replica's restart the cluster is judged again, and the first move that
 * fails stops it (nothing further restarts). The switchover is
 * switchover.ts's own: writers through VIP:5000 measure the pause.
 */
export async function rollingRestart(
	answers: Answers,
	connections: ReadonlyMap<string, HostConnection>,
	ca: string,
	moves: readonly RestartMove[],
	log: (line: string) => void,
	options: {onlyWhenNeeded?: boolean} = {},
): Promise<RollingRestartReport> {
	const report: RollingRestartReport = {restarted: [], problems: []};
	for (const move of moves) {
		if (move.kind === 'switchover') {
			log(`restart: switchover ${move.from} -> ${move.to} before ${move.from} restarts`);
			report.switchover = await runSwitchover(answers, connections, ca, move, log);
			if (report.switchover.problems.length > 0) {
				report.problems.push(...report.switchover.problems);
				return report;
			}
			log(`restart: the switchover paused writes through ${answers.network.vip}:5000 for ${(report.switchover.pauseMs / 1000).toFixed(1)} s`);
			continue;
		}
		if (move.role === 'replica') {
			const now = await currentRestartPlan(answers, connections, {member: move.member});
			if (!now.ok) {
				report.problems.push(...now.problems);
				return report;
			}
		}
		// Patroni restarts a demoted leader as a replica, which may already have applied the new settings.
		const run = peerRun(connections)(move.member);
		if (options.onlyWhenNeeded && move.role === 'former leader' && run && (await memberRestartReasons(answers, run, move.member)).length === 0) {
			log(`restart: ${move.member} already runs with the new settings after the switchover; no second restart`);
			continue;
		}
		log(`restart: ${move.member} (${move.role}) restarting`);
		try {
			const ms = await restartMember(answers, connections, move.member);
			report.restarted.push({member: move.member, ms});
			log(`restart: ${move.member} took ${(ms / 1000).toFixed(1)} s, streaming again`);
		} catch (error) {
			report.problems.push(error instanceof Error ? error.message : String(error));
			return report;
		}
	}
	return report;
}

/**
 * The run's restart phase on one PostgreSQL node: nothing when no changed
 * setting waits for a restart here; otherwise the member restarts (a
 * replica), or hands the leader role to a healthy replica first and then
 * restarts (the leader, which the phase takes last). Refused, nothing
 * restarted, unless every replica streams within the lag limit.
 */
export function restartStep(answers: Answers): Step {
	const reasons = (ctx: StepContext) => memberRestartReasons(answers, ctx.run, ctx.host.name);
	return {
		name: 'PostgreSQL restarted where a changed setting waits for it',
		check: async ctx => (await reasons(ctx)).length === 0,
		async explain(ctx) {
			const why = (await reasons(ctx)).join(', ');
			const leader = (await patroniMembers(ctx.run)).find(m => m.Role === 'Leader')?.Member;
			return [leader === ctx.host.name ? `${ctx.host.name} leads: after its replicas, a switchover to a healthy replica, then ${ctx.host.name} restarts: ${why}` : `${ctx.host.name} restarts: ${why}`];
		},
		async apply(ctx) {
			const why = await reasons(ctx);
			// Patroni writes a changed value into postgresql.conf on its next loop; a restart before that would start with the old one.
			// A new build alone (a minor upgrade) waits for nothing: Patroni has no setting to write.
			const settings = why.filter(reason => reason !== patroniPending && !isNewServerReason(reason));
			if (settings.length > 0 && !why.includes(patroniPending)) {
				// Settings Patroni passes on postgres's command line (max_connections) never show in pg_settings.pending_restart: its own flag says so.
				const written = async () =>
					((await runningSettings(ctx.run, [])) ?? []).some(s => s.pendingRestart) || (await patroniMembers(ctx.run)).some(m => m.Member === ctx.host.name && m['Pending restart']);
				await waitFor(`Patroni on ${ctx.host.name} to take the new settings (pending restart)`, written, 60_000);
			}
			const plan = await currentRestartPlan(answers, ctx.connections, {member: ctx.host.name});
			if (!plan.ok) throw new Error(`restart of ${ctx.host.name} refused, nothing restarted (${why.join(', ')}): ${plan.problems.join('; ')}`);
			// The step's lines reach the run's panes and log as this host's output, like any command's.
			const say = (line: string) => void ctx.run(`printf '%s\\n' ${shQuote(line)}`, {check: false}).catch(() => undefined);
			const report = await rollingRestart(answers, ctx.connections, ctx.keys.caCert, plan.moves, say, {onlyWhenNeeded: true});
			if (report.problems.length > 0) throw new Error(`restart of ${ctx.host.name} did not finish: ${report.problems.join('; ')}`);
		},
	};
}

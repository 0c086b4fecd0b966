import type {HostAnswers} from '../answers/schema.js';
import {hasRole, hostsWithRole} from '../answers/hosts.js';
import {hostServices, packagesFor} from '../../recipes/index.js';
import type {Step, StepContext} from '../../recipes/kit/step.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {staleUnits} from '../../recipes/kit/stale-units.js';
import {waitFor} from '../../recipes/kit/wait-for.js';
import {packageInstallStep} from '../../recipes/host/packages.js';
import {etcdMembers} from '../../recipes/etcd/probes.js';
import {holdsVip, vipHolders} from '../../recipes/keepalived/probes.js';
import {patroniMembers} from '../../recipes/postgres/probes.js';
import {shQuote} from '../transport/quote.js';
import {chooseSwitchover, switchover, switchoverFacts} from '../failover/switchover.js';
import {isNewServerReason, memberRestartReasons, memberServing, restartMember} from '../failover/rolling-restart.js';

/** How long a restarted service may take to serve again. */
const serveMs = 300_000;

/** The units of this host that run older code than is installed, with the newer packages. */
async function staleHere(ctx: StepContext, units?: readonly string[]): Promise<Map<string, string[]>> {
	return staleUnits(ctx.run, hostServices(ctx.answers, ctx.host).filter(s => !units || units.includes(s.unit)));
}

const describeStale = (stale: Map<string, string[]>) => [...stale].map(([unit, pkgs]) => `${unit} runs older code than the installed ${pkgs.join(', ')}`);

/** Writes a line into the run's panes and log as this host's output. */
const say = (ctx: StepContext) => (line: string) => void ctx.run(`printf '%s\\n' ${shQuote(line)}`, {check: false}).catch(() => undefined);

/** etcd restarted onto its new version, then the whole quorum healthy before the next host. */
const etcdOntoNewStep: Step = {
	name: 'etcd runs the installed version',
	check: async ctx => (await staleHere(ctx, ['etcd'])).size === 0,
	explain: async ctx => describeStale(await staleHere(ctx, ['etcd'])),
	async apply(ctx) {
		await ctx.run('systemctl restart etcd');
		await waitFor(`every etcd member healthy after ${ctx.host.name}'s restart`, async () => (await etcdMembers(ctx.run, ctx.answers)).every(m => m.healthy), serveMs, 1_000);
	},
};

/** True when this host's Patroni leads now. */
async function leadsHere(ctx: StepContext): Promise<boolean> {
	return (await patroniMembers(ctx.run)).some(m => m.Member === ctx.host.name && m.Role === 'Leader');
}

/** What on this PostgreSQL node runs older code than is installed: Patroni, PgBouncer, the server itself. */
async function staleDatabase(ctx: StepContext): Promise<string[]> {
	const [units, server] = await Promise.all([staleHere(ctx, ['patroni', 'pgbouncer']), memberRestartReasons(ctx.answers, ctx.run, ctx.host.name)]);
	return [...describeStale(units), ...server.filter(reason => isNewServerReason(reason))];
}

/**
 * The leader hands its role to a healthy replica before anything restarts on
 * it, through pgha switchover's own checks and run (writers through VIP:5000
 * measure the pause); a leader with nothing to restart keeps leading.
 */
function handOverStep(): Step {
	const needed = async (ctx: StepContext) => (await leadsHere(ctx)) && (await staleDatabase(ctx)).length > 0;
	return {
		name: 'the leader role handed over before this node restarts',
		check: async ctx => !(await needed(ctx)),
		explain: async ctx => [`${ctx.host.name} leads: a switchover to a healthy replica first (${(await staleDatabase(ctx)).join('; ')})`],
		async apply(ctx) {
			const {members, rows} = await switchoverFacts(ctx.answers, ctx.connections);
			const choice = chooseSwitchover(members, rows, ctx.answers.patroni.maximumLagOnFailover);
			if (!choice.ok) throw new Error(`the switchover from ${ctx.host.name} was refused, nothing restarted there: ${choice.problems.join('; ')}`);
			const report = await switchover(ctx.answers, ctx.connections, ctx.keys.caCert, choice, say(ctx));
			if (report.problems.length > 0) throw new Error(`the switchover from ${ctx.host.name} did not finish: ${report.problems.join('; ')}`);
			say(ctx)(`upgrade: the switchover to ${report.to} paused writes through ${ctx.answers.network.vip}:5000 for ${(report.pauseMs / 1000).toFixed(1)} s`);
		},
	};
}

/**
 * A unit of a PostgreSQL node restarted onto its new code, on a replica only
 * (the leader hands its role over first), then `settled` waited for before
 * anything else restarts.
 */
function replicaUnitOntoNewStep(unit: 'patroni' | 'pgbouncer', label: string, settled: (ctx: StepContext) => Promise<void>): Step {
	return {
		name: `${label} runs the installed version`,
		check: async ctx => (await staleHere(ctx, [unit])).size === 0,
		explain: async ctx => describeStale(await staleHere(ctx, [unit])),
		async apply(ctx) {
			if (await leadsHere(ctx)) throw new Error(`${ctx.host.name} leads; ${label} restarts there only after a switchover (run pgha upgrade again)`);
			await ctx.run(`systemctl restart ${unit}`);
			await settled(ctx);
		},
	};
}

/** Patroni's restart restarts PostgreSQL too, onto the installed server: the member runs and streams with its lag caught up after. */
const patroniOntoNewStep = replicaUnitOntoNewStep('patroni', 'Patroni', ctx =>
	waitFor(`${ctx.host.name} to run and stream again after Patroni's restart`, () => memberServing(ctx.answers, ctx.connections, ctx.host.name), serveMs, 1_000),
);

/** PostgreSQL restarted through Patroni onto the installed server, on a replica only, streaming again before the next step. */
const serverOntoNewStep: Step = {
	name: 'PostgreSQL runs the installed server',
	check: async ctx => (await memberRestartReasons(ctx.answers, ctx.run, ctx.host.name)).every(reason => !isNewServerReason(reason)),
	explain: async ctx => (await memberRestartReasons(ctx.answers, ctx.run, ctx.host.name)).filter(reason => isNewServerReason(reason)),
	async apply(ctx) {
		if (await leadsHere(ctx)) throw new Error(`${ctx.host.name} leads; PostgreSQL restarts there only after a switchover (run pgha upgrade again)`);
		const ms = await restartMember(ctx.answers, ctx.connections, ctx.host.name);
		say(ctx)(`upgrade: PostgreSQL on ${ctx.host.name} restarted in ${(ms / 1000).toFixed(1)} s, streaming again`);
	},
};

/** PgBouncer restarted where it no longer fronts the primary (its clients reconnect through HAProxy). */
const pgbouncerOntoNewStep = replicaUnitOntoNewStep('pgbouncer', 'PgBouncer', ctx =>
	waitFor(`PgBouncer on ${ctx.host.name} to run again`, async () => (await ctx.run('systemctl is-active --quiet pgbouncer', {quiet: true, check: false})).code === 0, 60_000),
);

/** True once exactly one balancer holds the VIP and HAProxy answers on the read-write port there. */
async function vipServed(ctx: StepContext): Promise<boolean> {
	const runOn = peerRun(ctx.connections);
	const holders = await vipHolders(ctx.answers, runOn);
	if (holders.length !== 1) return false;
	const probe = `timeout 3 bash -c ${shQuote(`exec 3<>/dev/tcp/${ctx.answers.network.vip}/5000`)}`;
	return (await runOn(holders[0]!)!(probe, {quiet: true, check: false})).code === 0;
}

/**
 * HAProxy and Keepalived restarted onto their new versions with the VIP
 * served throughout: on the balancer that holds it, Keepalived stops first
 * and another balancer takes the VIP (and answers on 5000) before HAProxy
 * restarts; Keepalived then starts again.
 */
const balancerOntoNewStep: Step = {
	name: 'HAProxy and Keepalived run the installed versions',
	check: async ctx => (await staleHere(ctx, ['haproxy', 'keepalived'])).size === 0,
	explain: async ctx => describeStale(await staleHere(ctx, ['haproxy', 'keepalived'])),
	async apply(ctx) {
		const stale = await staleHere(ctx, ['haproxy', 'keepalived']);
		const vip = ctx.answers.network.vip;
		const others = hostsWithRole(ctx.answers, 'balancer').filter(b => b.name !== ctx.host.name);
		if ((await holdsVip(ctx.run, vip)) && others.length > 0) {
			say(ctx)(`upgrade: ${ctx.host.name} holds the VIP ${vip}; Keepalived stops here first so another balancer takes it`);
			await ctx.run('systemctl stop keepalived');
			await waitFor(`another balancer to hold the VIP ${vip} and answer on 5000`, async () => !(await holdsVip(ctx.run, vip)) && (await vipServed(ctx)), 60_000, 500);
		}
		if (stale.has('haproxy')) await ctx.run('systemctl restart haproxy');
		await ctx.run(stale.has('keepalived') ? 'systemctl restart keepalived' : 'systemctl start keepalived');
		await waitFor(`one balancer to hold the VIP ${vip} and answer on 5000`, () => vipServed(ctx), 60_000, 500);
	},
};

/** A host's packages at the new pinned versions, services held back while they install: nothing restarts. */
export function upgradePackageSteps(host: HostAnswers): Step[] {
	return [packageInstallStep(packagesFor(host))];
}

/**
 * A host's services restarted onto the new code, each in the way that keeps
 * the cluster serving: etcd with the quorum healthy after, the leader role
 * handed over first, replicas streaming again, the VIP moved away first.
 * Every step checks first, so a re-run after a failure carries on where it stopped.
 */
export function upgradeRestartSteps(host: HostAnswers): Step[] {
	return [
		...(hasRole(host, 'etcd') ? [etcdOntoNewStep] : []),
		...(hasRole(host, 'postgres') ? [handOverStep(), patroniOntoNewStep, serverOntoNewStep, pgbouncerOntoNewStep] : []),
		...(hasRole(host, 'balancer') ? [balancerOntoNewStep] : []),
	];
}

import {setTimeout as sleep} from 'node:timers/promises';
import type {Answers} from '../answers/schema.js';
import {hostsWithRole} from '../answers/hosts.js';
import type {HostConnection} from '../transport/ssh.js';
import {ports} from '../../recipes/kit/locations.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {waitFor} from '../../recipes/kit/wait-for.js';
import {vipHolders} from '../../recipes/keepalived/probes.js';
import {patroniMembers, replicationRows, type PatroniMember} from '../../recipes/postgres/probes.js';
import {faultScripts, type FaultKind} from './faults.js';
import {commitKey, lostCommits, writePause} from './measure.js';
import type {DrillReport} from './report.js';
import {runStatement, startWriters, type WriteTarget, type WriterLog} from './writers.js';

/** What a drill needs: the cluster, a connection to each host, the CA that signs the VIP's certificate, and where progress lines go. */
export type DrillSetup = {
	answers: Answers;
	connections: ReadonlyMap<string, HostConnection>;
	/** PEM of the CA clients check the VIP's certificate against. */
	ca: string;
	/** Expected worst case for writes to come back, from the RTO preset (ms). */
	expectedWorstMs: number;
	durability: string;
	rto: string;
	log: (line: string) => void;
	writers?: number;
};

/** The table drills and switchovers write their rows to, in the application's database; made before and dropped after. */
export const drillTable = 'pgha_drill';
const table = drillTable;
// Writes run this long before the fault, so the pause is measured against a steady stream.
const warmUpMs = 3_000;

/** The application's own path into the cluster: the VIP's read-write port, as its owner. */
export function vipTarget(answers: Answers, ca: string): WriteTarget {
	return {host: answers.network.vip, port: ports.readWrite, user: answers.database.owner, password: answers.passwords.app, database: answers.database.name, ca};
}

const leaderOf = (members: readonly PatroniMember[]) => members.find(m => m.Role === 'Leader')?.Member;

/** Patroni's members as seen from the first PostgreSQL node that answers, skipping one (the failed host). */
async function membersFrom(setup: DrillSetup, skip?: string): Promise<PatroniMember[]> {
	const runOn = peerRun(setup.connections);
	for (const host of hostsWithRole(setup.answers, 'postgres')) {
		if (host.name === skip) continue;
		const run = runOn(host.name);
		const members = run ? await patroniMembers(run, {fromDcs: true}) : [];
		if (members.length > 0) return members;
	}
	return [];
}

/** The one wait (recipes/kit/wait-for.ts), answering whether it held instead of throwing: a drill reports what did not happen. */
export const waitUntil = (what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean, everyMs = 250): Promise<boolean> =>
	waitFor(what, async () => probe(), timeoutMs, everyMs).then(
		() => true,
		() => false,
	);

/** The other cluster hosts' addresses: what a partitioned host can no longer reach. */
function peersOf(answers: Answers, name: string): string[] {
	return answers.hosts.filter(h => h.name !== name).map(h => h.ip);
}

/** Makes the drill table if it is not there. */
export async function createDrillTable(target: WriteTarget): Promise<void> {
	await runStatement(target, `create table if not exists ${table} (run text not null, writer int not null, seq bigint not null, at timestamptz not null default now(), primary key (run, writer, seq))`);
}

/**
 * The rows a run's writers left, read through the VIP (the leader), then
 * removed; the table goes with the last run's rows. Another run may still
 * write into it (an upgrade's writers around its switchover's), so it is
 * dropped only when empty, under a lock no insert can slip past.
 */
export async function storedCommits(target: WriteTarget, run: string): Promise<Set<string>> {
	const rows = await runStatement<{writer: number; seq: string}>(target, `select writer, seq from ${table} where run = $1`, [run]);
	await runStatement(target, `delete from ${table} where run = $1`, [run]);
	await runStatement(target, `do $$ begin lock table ${table} in access exclusive mode; if not exists (select 1 from ${table}) then drop table ${table}; end if; end $$`).catch(() => undefined);
	return new Set(rows.map(r => commitKey(r.writer, Number(r.seq))));
}

/** A name for one drill or switchover run: its rows and its undo timer carry it. */
export function drillId(): string {
	return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** True when Patroni on the host ran pg_rewind since a moment (its journal says so). */
async function rewoundSince(conn: HostConnection, since: number): Promise<boolean> {
	const out = await conn.run(`journalctl -u patroni.service --since=@${Math.floor(since / 1000)} --no-pager -q 2>/dev/null | grep -c -i 'pg_rewind' || true`, {check: false});
	return Number(out.stdout.trim()) > 0;
}

/** What the writers saw, as the report gives it: how many, what they committed and lost, the pause the fault caused. */
function writerFigures(writerLog: WriterLog, writers: number, faultAt: number, lost: number): Pick<DrillReport, 'writers' | 'acknowledged' | 'lost' | 'pauseMs' | 'resumedAfterMs' | 'failedStatements'> {
	const pause = writePause(writerLog, faultAt);
	return {
		writers,
		acknowledged: writerLog.commits.length,
		lost,
		pauseMs: pause.ms,
		...(pause.resumedAfterMs !== undefined ? {resumedAfterMs: pause.resumedAfterMs} : {}),
		failedStatements: writerLog.failures.length,
	};
}

/**
 * The failover drill: writers commit through VIP:5000 and record every
 * acknowledgement, the leader is failed the chosen way (its own timer undoes
 * the fault even if pgha dies), and the drill measures how long writes
 * stopped, whether any acknowledged write was lost (row by row), whether the
 * VIP moved, and how long the old leader took to stream again once put back.
 */
export async function drillFailover(setup: DrillSetup, kind: Exclude<FaultKind, 'haproxy'>): Promise<DrillReport> {
	const {answers, connections, log} = setup;
	const members = await membersFrom(setup);
	const leader = leaderOf(members);
	if (!leader) throw new Error('Patroni reports no leader; nothing to fail over from');
	const leaderConn = connections.get(leader);
	if (!leaderConn) throw new Error(`${leader} (the leader) is not reachable over SSH`);
	const runOn = peerRun(connections);
	const vipBefore = (await vipHolders(answers, runOn))[0];
	const target = vipTarget(answers, setup.ca);
	const id = drillId();
	const worst = setup.expectedWorstMs;
	await createDrillTable(target);
	const count = setup.writers ?? 4;
	const writers = startWriters(target, {table, run: id}, count);
	let injected = false;
	const fault = faultScripts(kind, {id, peers: peersOf(answers, leader), undoAfterSeconds: Math.max(120, (3 * worst) / 1000 + 60)});
	const problems: string[] = [];
	let leaderAfter: string | undefined;
	let rejoinedAfterMs: number | undefined;
	let faultAt = 0;
	let putBackAt = 0;
	let writerLog: Awaited<ReturnType<typeof writers.stop>> | undefined;
	try {
		await sleep(warmUpMs);
		log(`drill: ${kind} of the leader ${leader} (${count} writers through ${answers.network.vip}:${ports.readWrite})`);
		// Counted as made before the scripts run: one that fails half way still gets undone.
		injected = true;
		await leaderConn.run(fault.arm, {timeoutMs: 30_000});
		faultAt = Date.now();
		await leaderConn.run(fault.strike, {timeoutMs: 30_000});
		const elected = await waitUntil('a new leader', worst * 2 + 30_000, async () => {
			leaderAfter = leaderOf(await membersFrom(setup, leader));
			return leaderAfter !== undefined && leaderAfter !== leader;
		});
		if (!elected) problems.push(`no other member became leader within ${Math.round((worst * 2 + 30_000) / 1000)} s`);
		else log(`drill: ${leaderAfter} leads after ${((Date.now() - faultAt) / 1000).toFixed(1)} s`);
		// Writes are back once a commit is acknowledged after the new leader was seen.
		const seen = Date.now();
		await waitUntil('writes to resume', 30_000, () => writers.lastCommitAt() > seen);
		log(`drill: putting ${leader} back`);
		putBackAt = Date.now();
		await leaderConn.run(fault.undo, {timeoutMs: 60_000});
		injected = false;
		const newLeader = leaderAfter;
		const streaming = newLeader
			? await waitUntil(`${leader} to stream`, 300_000, async () => {
					const run = runOn(newLeader);
					return Boolean(run && (await replicationRows(run)).some(r => r.name === leader && r.state === 'streaming'));
				}, 500)
			: false;
		if (streaming) rejoinedAfterMs = Date.now() - putBackAt;
		else problems.push(`${leader} did not stream from the new leader within 300 s of being put back`);
		// A synchronous cluster is whole again once the new leader has named a synchronous standby.
		if (setup.answers.ha.durability === 'synchronous' && !(await waitUntil('a synchronous standby', 60_000, async () => (await membersFrom(setup)).some(m => m.Role === 'Sync Standby'), 500)))
			problems.push('no member became the synchronous standby within 60 s');
		await sleep(1_000);
	} finally {
		// Whatever happened, the leader is put back and the writers stop.
		if (injected) await leaderConn.run(fault.undo, {timeoutMs: 60_000, check: false}).catch(() => undefined);
		writerLog = await writers.stop();
	}
	const lost = lostCommits(writerLog.commits, await storedCommits(target, id));
	const figures = writerFigures(writerLog, count, faultAt, lost.length);
	if (figures.resumedAfterMs === undefined) problems.push('writes through the VIP never came back');
	else if (figures.resumedAfterMs > worst) problems.push(`writes came back after ${(figures.resumedAfterMs / 1000).toFixed(1)} s, later than the expected worst case of ${(worst / 1000).toFixed(0)} s`);
	if (lost.length > 0 && setup.durability === 'synchronous') problems.push(`${lost.length} acknowledged write(s) lost with synchronous durability`);
	const vipAfter = (await vipHolders(answers, runOn))[0];
	return {
		kind,
		cluster: answers.cluster.name,
		at: new Date(faultAt).toISOString(),
		durability: setup.durability,
		rto: setup.rto,
		failed: leader,
		leaderBefore: leader,
		...(leaderAfter ? {leaderAfter} : {}),
		...(vipBefore ? {vipBefore} : {}),
		...(vipAfter ? {vipAfter} : {}),
		...figures,
		expectedWorstMs: worst,
		...(rejoinedAfterMs !== undefined ? {rejoinedAfterMs} : {}),
		rewound: await rewoundSince(leaderConn, faultAt).catch(() => false),
		problems,
	};
}

/**
 * Why the VIP drill cannot run on these answers, or undefined when it can: it
 * needs a second balancer for the VIP to move to.
 */
export function vipDrillRefusal(answers: Pick<Answers, 'hosts' | 'cluster' | 'network'>): string | undefined {
	const balancers = hostsWithRole(answers, 'balancer');
	if (balancers.length >= 2) return undefined;
	return (
		`the VIP drill needs 2 balancers: it kills HAProxy on the one holding the VIP ${answers.network.vip} and watches another take it over; ` +
		`cluster ${answers.cluster.name} has ${balancers.length} (${balancers.map(b => b.name).join(', ') || 'none'}), so the VIP has nowhere to move. \`pgha drill failover\` drills PostgreSQL's failover`
	);
}

/**
 * The VIP drill: HAProxy is killed on the balancer holding the VIP (its own
 * timer restarts it even if pgha dies); Keepalived's check notices, the
 * other balancer takes the VIP, and writes through VIP:5000 resume. Then
 * HAProxy is put back and the VIP returns to its first holder.
 */
export async function drillVip(setup: DrillSetup): Promise<DrillReport> {
	const {answers, connections, log} = setup;
	const refusal = vipDrillRefusal(answers);
	if (refusal) throw new Error(refusal);
	const runOn = peerRun(connections);
	const vipBefore = (await vipHolders(answers, runOn))[0];
	if (!vipBefore) throw new Error(`no balancer holds the VIP ${answers.network.vip}; run \`pgha repair\` first`);
	const holderConn = connections.get(vipBefore)!;
	const target = vipTarget(answers, setup.ca);
	const id = drillId();
	const count = setup.writers ?? 2;
	await createDrillTable(target);
	const writers = startWriters(target, {table, run: id}, count);
	const fault = faultScripts('haproxy', {id, peers: [], undoAfterSeconds: 120});
	const problems: string[] = [];
	let vipAfter: string | undefined;
	let rejoinedAfterMs: number | undefined;
	let injected = false;
	let faultAt = 0;
	let writerLog: Awaited<ReturnType<typeof writers.stop>> | undefined;
	try {
		await sleep(warmUpMs);
		log(`drill: HAProxy killed on ${vipBefore}, which holds the VIP`);
		injected = true;
		await holderConn.run(fault.arm, {timeoutMs: 30_000});
		faultAt = Date.now();
		await holderConn.run(fault.strike, {timeoutMs: 30_000});
		const moved = await waitUntil('the VIP to move', 60_000, async () => {
			vipAfter = (await vipHolders(answers, runOn)).find(h => h !== vipBefore);
			return vipAfter !== undefined;
		});
		if (!moved) problems.push(`the VIP did not leave ${vipBefore} within 60 s`);
		else log(`drill: ${vipAfter} holds the VIP after ${((Date.now() - faultAt) / 1000).toFixed(1)} s`);
		const seen = Date.now();
		await waitUntil('writes to resume', 30_000, () => writers.lastCommitAt() > seen);
		log(`drill: putting HAProxy back on ${vipBefore}`);
		const putBackAt = Date.now();
		await holderConn.run(fault.undo, {timeoutMs: 60_000});
		injected = false;
		const back = await waitUntil('the VIP to return', 60_000, async () => (await vipHolders(answers, runOn)).includes(vipBefore));
		if (back) rejoinedAfterMs = Date.now() - putBackAt;
		else problems.push(`the VIP did not return to ${vipBefore} within 60 s of HAProxy being back`);
		await sleep(2_000);
	} finally {
		if (injected) await holderConn.run(fault.undo, {timeoutMs: 60_000, check: false}).catch(() => undefined);
		writerLog = await writers.stop();
	}
	const lost = lostCommits(writerLog.commits, await storedCommits(target, id));
	const figures = writerFigures(writerLog, count, faultAt, lost.length);
	if (figures.resumedAfterMs === undefined) problems.push('writes through the VIP never came back');
	if (lost.length > 0) problems.push(`${lost.length} acknowledged write(s) lost while the VIP moved`);
	return {
		kind: 'vip',
		cluster: answers.cluster.name,
		at: new Date(faultAt).toISOString(),
		durability: setup.durability,
		rto: setup.rto,
		failed: vipBefore,
		vipBefore,
		...(vipAfter ? {vipAfter} : {}),
		...figures,
		...(rejoinedAfterMs !== undefined ? {rejoinedAfterMs} : {}),
		problems,
	};
}

import {setTimeout as sleep} from 'node:timers/promises';
import type {Answers} from '../answers/schema.js';
import {hostsWithRole} from '../answers/hosts.js';
import type {HostConnection} from '../transport/ssh.js';
import {shQuote} from '../transport/quote.js';
import {locations} from '../../recipes/kit/locations.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {markPrimaryDownCommand} from '../../recipes/haproxy/steps.js';
import {patroniApiGet, patroniMembers, replicationRows, type PatroniMember, type ReplicationRow} from '../../recipes/postgres/probes.js';
import {failuresOutside, lostCommits, writePause} from './measure.js';
import {createDrillTable, drillId, drillTable, storedCommits, vipTarget, waitUntil} from './drill.js';
import {startWriters} from './writers.js';

/** A member as the switchover's pre-checks read it; Patroni 3.0 names a pending restart in its list. */
export type SwitchoverMember = PatroniMember & {'Pending restart'?: string};

/** The leader to leave and the member to take over, or why the cluster is not ready. */
export type SwitchoverChoice = {ok: true; from: string; to: string} | {ok: false; problems: string[]};

const isStandby = (m: PatroniMember) => m.Role !== 'Leader';

/**
 * The switchover's pre-checks, from Patroni's members and the leader's
 * replication view: one leader; every replica streaming and within the
 * failover lag limit; no member waiting for a restart (the new leader would
 * then run with settings other than the ones it was judged with); a target
 * that may lead (with synchronous durability, only the synchronous standby
 * has every acknowledged commit). Without a target the synchronous standby, or the replica least behind, is chosen.
 */
export function chooseSwitchover(members: readonly SwitchoverMember[], rows: readonly ReplicationRow[], maxLagBytes: number, to?: string): SwitchoverChoice {
	const problems: string[] = [];
	const leaders = members.filter(m => m.Role === 'Leader');
	if (leaders.length !== 1) return {ok: false, problems: [`Patroni reports ${leaders.length} leaders; a switchover needs exactly one (see \`pgha status\`)`]};
	const from = leaders[0]!.Member;
	const standbys = members.filter(isStandby);
	if (standbys.length === 0) problems.push('there is no replica to switch over to');
	for (const member of standbys) {
		const row = rows.find(r => r.name === member.Member);
		if (!row || row.state !== 'streaming') problems.push(`${member.Member} is not streaming from ${from} (${row ? row.state : 'not connected'}); wait for it or run \`pgha repair\``);
		else if (row.lagBytes < 0 || row.lagBytes > maxLagBytes) problems.push(`${member.Member} lags ${row.lagBytes} bytes behind ${from}, more than the limit of ${maxLagBytes}; wait until it catches up`);
	}
	const pending = members.filter(m => m['Pending restart']);
	if (pending.length > 0) problems.push(`${pending.map(m => m.Member).join(', ')} wait(s) for a restart to apply changed settings; restart first (patronictl restart on a PostgreSQL node)`);
	const sync = standbys.filter(m => m.Role === 'Sync Standby').map(m => m.Member);
	let target = to;
	if (target !== undefined) {
		const member = members.find(m => m.Member === target);
		if (!member) problems.push(`--to ${target} is not a member; the members are ${members.map(m => m.Member).join(', ')}`);
		else if (target === from) problems.push(`--to ${target} is already the leader`);
		else if (sync.length > 0 && !sync.includes(target))
			problems.push(`--to ${target} is not the synchronous standby (${sync.join(', ')}): with synchronous durability only it is sure to hold every acknowledged commit; switch over to it, or leave --to out`);
	} else {
		const lagOf = (name: string) => rows.find(r => r.name === name)?.lagBytes ?? Number.MAX_SAFE_INTEGER;
		target = sync[0] ?? [...standbys].sort((a, b) => lagOf(a.Member) - lagOf(b.Member))[0]?.Member;
	}
	if (problems.length > 0 || !target) return {ok: false, problems: problems.length > 0 ? problems : ['no member can take over']};
	return {ok: true, from, to: target};
}

/** What a switchover measured. */
export type SwitchoverReport = {
	from: string;
	to: string;
	/** The longest stretch without an acknowledged write through VIP:5000 (ms). */
	pauseMs: number;
	/** When that stretch began and ended (ms since the epoch): every failed statement should lie inside it. */
	pause: {from: number; to?: number};
	/** Statements through VIP:5000 that failed during the switchover. */
	failedStatements: number;
	/** Of those, the ones that failed outside the pause: none when clients only see the pause. */
	failedOutsidePause: number;
	/** From the request to the old leader streaming from the new one (ms); absent when it did not. */
	rejoinedAfterMs?: number;
	problems: string[];
};

/** Reads what the pre-checks need, from the first PostgreSQL node that answers. */
export async function switchoverFacts(answers: Answers, connections: ReadonlyMap<string, HostConnection>): Promise<{members: SwitchoverMember[]; rows: ReplicationRow[]}> {
	const runOn = peerRun(connections);
	let members: SwitchoverMember[] = [];
	for (const host of hostsWithRole(answers, 'postgres')) {
		const run = runOn(host.name);
		if (run) members = await patroniMembers(run, {fromDcs: true});
		if (members.length > 0) break;
	}
	const leader = members.find(m => m.Role === 'Leader')?.Member;
	const run = leader ? runOn(leader) : undefined;
	return {members, rows: run ? await replicationRows(run) : []};
}

/**
 * Hands the leadership from one member to another through Patroni's API
 * (patronictl, with the REST password from the node's own configuration),
 * while two writers commit rows through VIP:5000 to measure the pause (and
 * check none is lost); waits until
 * the new leader serves and the old one streams from it.
 */
export async function switchover(answers: Answers, connections: ReadonlyMap<string, HostConnection>, ca: string, choice: {from: string; to: string}, log: (line: string) => void): Promise<SwitchoverReport> {
	const runOn = peerRun(connections);
	const node = runOn(choice.to) ?? runOn(choice.from);
	if (!node) throw new Error(`neither ${choice.from} nor ${choice.to} is reachable over SSH`);
	const target = vipTarget(answers, ca);
	const id = drillId();
	await createDrillTable(target);
	const writers = startWriters(target, {table: drillTable, run: id}, 2);
	const problems: string[] = [];
	let requestedAt = Date.now();
	let rejoinedAfterMs: number | undefined;
	let writerLog: Awaited<ReturnType<typeof writers.stop>>;
	try {
		// The pause is measured from the last write acknowledged before the request: wait for the writers' first one, not a fixed time.
		await waitUntil('the writers to commit through the VIP', 15_000, () => writers.lastCommitAt() > 0, 50);
		await sleep(200);
		log(`switchover: ${choice.from} -> ${choice.to}`);
		requestedAt = Date.now();
		const requested = node(`timeout 120 patronictl -c ${locations.patroniConfig} switchover --leader ${shQuote(choice.from)} --candidate ${shQuote(choice.to)} --force ${shQuote(answers.cluster.name)}`, {timeoutMs: 150_000});
		// The old leader leaves VIP:5000 as soon as Patroni says it is no longer the primary. Left to HAProxy's checks it could
		// stay up there (an inter and fall checks) after the new leader came up, and new connections sent to it would fail
		// after the pause.
		const old = runOn(choice.from);
		const steppedDown = old
			? old(`timeout 60 bash -c ${shQuote(`while ${patroniApiGet('/primary')} >/dev/null 2>&1; do sleep 0.1; done`)}`, {quiet: true, check: false}).then(r => r.code === 0)
			: Promise.resolve(false);
		// A switchover Patroni refused leaves the leader where it was: it must stay up behind the VIP.
		const first = await Promise.race([steppedDown.then(down => ({down})), requested.then(r => ({refused: r.code !== 0}))]);
		const down = 'down' in first ? first.down : !first.refused && (await steppedDown);
		if (down) await Promise.all(hostsWithRole(answers, 'balancer').map(b => runOn(b.name)?.(markPrimaryDownCommand(choice.from), {quiet: true, check: false})));
		const result = await requested;
		if (result.code !== 0) problems.push(`patronictl switchover failed: ${`${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-2).join(' ')}`);
		const whole = async () => {
			const newRun = runOn(choice.to);
			if (!newRun) return false;
			const [rows, members] = await Promise.all([replicationRows(newRun), patroniMembers(newRun, {fromDcs: true})]);
			// Both views: PostgreSQL streams before Patroni stops calling the old leader "starting".
			const member = members.find(m => m.Member === choice.from);
			// With synchronous durability the switchover is over once the new leader has named its synchronous standby.
			const synced = answers.ha.durability !== 'synchronous' || members.some(m => m.Role === 'Sync Standby');
			return rows.some(r => r.name === choice.from && r.state === 'streaming') && member !== undefined && ['running', 'streaming'].includes(member.State) && synced;
		};
		if (problems.length === 0 && (await waitUntil(`${choice.from} to stream from ${choice.to}`, 180_000, whole, 500))) rejoinedAfterMs = Date.now() - requestedAt;
		if (problems.length === 0 && rejoinedAfterMs === undefined) problems.push(`${choice.from} did not stream from ${choice.to} within 180 s`);
		await sleep(1_000);
	} finally {
		writerLog = await writers.stop();
	}
	const pause = writePause(writerLog, requestedAt);
	if (pause.resumedAfterMs === undefined) problems.push('writes through the VIP did not come back');
	const outside = failuresOutside(writerLog.failures, {from: pause.from, to: pause.to ?? writerLog.stoppedAt});
	// Named in the log so a failure the pause does not explain can be traced (PostgreSQL's messages carry no secrets).
	for (const failure of outside) log(`switchover: a statement failed outside the pause, ${failure.at - failure.issued} ms after it was issued: ${failure.message}`);
	const lost = lostCommits(writerLog.commits, await storedCommits(target, id));
	if (lost.length > 0) problems.push(`${lost.length} acknowledged write(s) lost in the switchover`);
	return {
		from: choice.from,
		to: choice.to,
		pauseMs: pause.ms,
		pause: {from: pause.from, ...(pause.to !== undefined ? {to: pause.to} : {})},
		failedStatements: writerLog.failures.length,
		failedOutsidePause: outside.length,
		...(rejoinedAfterMs !== undefined ? {rejoinedAfterMs} : {}),
		problems,
	};
}

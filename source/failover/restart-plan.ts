import type {ReplicationRow} from '../../recipes/postgres/probes.js';
import {chooseSwitchover, type SwitchoverMember} from './switchover.js';

/** One move of a rolling restart, in order. */
export type RestartMove = {kind: 'restart'; member: string; role: 'replica' | 'former leader'} | {kind: 'switchover'; from: string; to: string};

/** The moves of a rolling restart, or why the cluster may not be restarted now. */
export type RestartPlan = {ok: true; moves: RestartMove[]} | {ok: false; problems: string[]};

/** Which members a rolling restart touches: all of them (on demand), one (--member), or those a changed setting waits on. */
export type RestartScope = {member?: string; only?: ReadonlySet<string>};

/**
 * A rolling restart in the order that keeps the cluster serving: the
 * replicas one at a time, then a switchover to a healthy replica, then the
 * former leader. Refused, nothing restarted, unless there is exactly one
 * leader and every replica streams within the failover lag limit (a replica
 * restarted beside one that lags could leave no member fit to take over).
 * `only` limits it to the members that need it; the leader then moves only
 * when it needs it itself. Pure.
 */
export function planRestart(members: readonly SwitchoverMember[], rows: readonly ReplicationRow[], maxLagBytes: number, scope: RestartScope = {}): RestartPlan {
	const leaders = members.filter(m => m.Role === 'Leader');
	if (leaders.length !== 1) return {ok: false, problems: [`Patroni reports ${leaders.length} leaders; a rolling restart needs exactly one (see \`pgha status\`)`]};
	const leader = leaders[0]!.Member;
	if (scope.member !== undefined && !members.some(m => m.Member === scope.member))
		return {ok: false, problems: [`--member ${scope.member} is not a member; the members are ${members.map(m => m.Member).join(', ')}`]};
	const problems: string[] = [];
	const replicas = members.filter(m => m.Member !== leader).map(m => m.Member);
	for (const name of replicas) {
		const row = rows.find(r => r.name === name);
		if (!row || row.state !== 'streaming') problems.push(`${name} is not streaming from ${leader} (${row ? row.state : 'not connected'}); wait for it or run \`pgha repair\``);
		else if (row.lagBytes < 0 || row.lagBytes > maxLagBytes) problems.push(`${name} lags ${row.lagBytes} bytes behind ${leader}, more than the limit of ${maxLagBytes}; wait until it catches up`);
	}
	if (problems.length > 0) return {ok: false, problems};
	const wanted = (name: string) => (scope.member !== undefined ? scope.member === name : scope.only ? scope.only.has(name) : true);
	const moves: RestartMove[] = replicas.filter(wanted).map(member => ({kind: 'restart', member, role: 'replica'}));
	if (wanted(leader)) {
		// The replicas are restarted before the switchover, so a restart they wait for does not stop it; nor does the leader's own.
		const settled = members.map(({'Pending restart': _pending, ...m}) => m);
		const choice = chooseSwitchover(settled, rows, maxLagBytes);
		if (!choice.ok) return {ok: false, problems: choice.problems};
		moves.push({kind: 'switchover', from: leader, to: choice.to}, {kind: 'restart', member: leader, role: 'former leader'});
	}
	return {ok: true, moves};
}

/**
 * The plan in one line, e.g. "postgres2, postgres3, then switchover, then
 * postgres1: shared_buffers needs a restart"; "nothing to restart" when empty. Pure.
 */
export function describeRestartPlan(moves: readonly RestartMove[], why?: string): string {
	if (moves.length === 0) return 'nothing to restart';
	const parts: string[] = [];
	let run: string[] = [];
	for (const move of moves) {
		if (move.kind === 'switchover') {
			if (run.length > 0) parts.push(run.join(', '));
			run = [];
			parts.push(`switchover ${move.from} -> ${move.to}`);
		} else run.push(move.member);
	}
	if (run.length > 0) parts.push(run.join(', '));
	return `${parts.join(', then ')}${why ? `: ${why}` : ''}`;
}

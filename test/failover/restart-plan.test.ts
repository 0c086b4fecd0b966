import {describe, expect, test} from 'vitest';
import {describeRestartPlan, planRestart} from '../../source/failover/restart-plan.js';
import type {SwitchoverMember} from '../../source/failover/switchover.js';

const members = (roles: Record<string, string>, extra: Partial<Record<string, Partial<SwitchoverMember>>> = {}): SwitchoverMember[] =>
	Object.entries(roles).map(([name, role]) => ({Member: name, Role: role, State: role === 'Leader' ? 'running' : 'streaming', ...extra[name]}));
const streaming = (lags: Record<string, number>) => Object.entries(lags).map(([name, lagBytes]) => ({name, state: 'streaming', lagBytes}));
const limit = 1_048_576;
const three = members({postgres1: 'Leader', postgres2: 'Replica', postgres3: 'Replica'});

describe('planRestart', () => {
	test('replicas one at a time, then a switchover to the replica least behind, then the former leader', () => {
		const plan = planRestart(three, streaming({postgres2: 10, postgres3: 0}), limit);
		expect(plan).toEqual({
			ok: true,
			moves: [
				{kind: 'restart', member: 'postgres2', role: 'replica'},
				{kind: 'restart', member: 'postgres3', role: 'replica'},
				{kind: 'switchover', from: 'postgres1', to: 'postgres3'},
				{kind: 'restart', member: 'postgres1', role: 'former leader'},
			],
		});
		if (plan.ok) expect(describeRestartPlan(plan.moves, 'shared_buffers needs a restart')).toBe('postgres2, postgres3, then switchover postgres1 -> postgres3, then postgres1: shared_buffers needs a restart');
	});

	test('a restart waiting on the members does not stop the switchover that is part of it', () => {
		const pending = members({postgres1: 'Leader', postgres2: 'Replica'}, {postgres1: {'Pending restart': '*'}, postgres2: {'Pending restart': '*'}});
		const plan = planRestart(pending, streaming({postgres2: 0}), limit);
		expect(plan.ok && plan.moves.map(m => m.kind)).toEqual(['restart', 'switchover', 'restart']);
	});

	test('with synchronous durability the synchronous standby takes over', () => {
		const plan = planRestart(members({postgres1: 'Leader', postgres2: 'Replica', postgres3: 'Sync Standby'}), streaming({postgres2: 0, postgres3: 0}), limit);
		expect(plan.ok && plan.moves.find(m => m.kind === 'switchover')).toEqual({kind: 'switchover', from: 'postgres1', to: 'postgres3'});
	});

	test('a replica that is not streaming refuses the whole restart', () => {
		const plan = planRestart(three, [{name: 'postgres2', state: 'catchup', lagBytes: 0}, {name: 'postgres3', state: 'streaming', lagBytes: 0}], limit);
		expect(plan).toEqual({ok: false, problems: ['postgres2 is not streaming from postgres1 (catchup); wait for it or run `pgha repair`']});
		const missing = planRestart(three, streaming({postgres2: 0}), limit);
		expect(!missing.ok && missing.problems).toEqual(['postgres3 is not streaming from postgres1 (not connected); wait for it or run `pgha repair`']);
	});

	test('a replica lagging past the limit refuses it', () => {
		const plan = planRestart(three, streaming({postgres2: 0, postgres3: limit + 1}), limit);
		expect(!plan.ok && plan.problems).toEqual([`postgres3 lags ${limit + 1} bytes behind postgres1, more than the limit of ${limit}; wait until it catches up`]);
	});

	test('no leader, or two, refuses it', () => {
		expect(planRestart(members({postgres1: 'Replica', postgres2: 'Replica'}), [], limit).ok).toBe(false);
		expect(planRestart(members({postgres1: 'Leader', postgres2: 'Leader'}), [], limit).ok).toBe(false);
	});

	test('--member restarts one replica alone, or the leader after a switchover', () => {
		const rows = streaming({postgres2: 0, postgres3: 0});
		expect(planRestart(three, rows, limit, {member: 'postgres3'})).toEqual({ok: true, moves: [{kind: 'restart', member: 'postgres3', role: 'replica'}]});
		const leader = planRestart(three, rows, limit, {member: 'postgres1'});
		expect(leader.ok && leader.moves.map(m => (m.kind === 'switchover' ? `switchover ${m.from} -> ${m.to}` : m.member))).toEqual(['switchover postgres1 -> postgres2', 'postgres1']);
		expect(planRestart(three, rows, limit, {member: 'postgres9'})).toEqual({ok: false, problems: ['--member postgres9 is not a member; the members are postgres1, postgres2, postgres3']});
	});

	test('only the members a changed setting waits on; the leader moves only when it waits too', () => {
		const rows = streaming({postgres2: 0, postgres3: 0});
		expect(planRestart(three, rows, limit, {only: new Set(['postgres3'])})).toEqual({ok: true, moves: [{kind: 'restart', member: 'postgres3', role: 'replica'}]});
		expect(planRestart(three, rows, limit, {only: new Set()})).toEqual({ok: true, moves: []});
		expect(describeRestartPlan([])).toBe('nothing to restart');
	});
});

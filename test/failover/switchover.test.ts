import {describe, expect, test} from 'vitest';
import {chooseSwitchover, type SwitchoverMember} from '../../source/failover/switchover.js';

const members = (roles: Record<string, string>, extra: Partial<Record<string, Partial<SwitchoverMember>>> = {}): SwitchoverMember[] =>
	Object.entries(roles).map(([name, role]) => ({Member: name, Role: role, State: role === 'Leader' ? 'running' : 'streaming', ...extra[name]}));
const streaming = (lags: Record<string, number>) => Object.entries(lags).map(([name, lagBytes]) => ({name, state: 'streaming', lagBytes}));
const limit = 1_048_576;

describe('chooseSwitchover', () => {
	test('with no target, the replica least behind takes over', () => {
		const choice = chooseSwitchover(members({postgres1: 'Leader', postgres2: 'Replica', postgres3: 'Replica'}), streaming({postgres2: 500, postgres3: 0}), limit);
		expect(choice).toEqual({ok: true, from: 'postgres1', to: 'postgres3'});
	});

	test('with synchronous durability and no target, the synchronous standby takes over', () => {
		const choice = chooseSwitchover(members({postgres1: 'Leader', postgres2: 'Sync Standby', postgres3: 'Replica'}), streaming({postgres2: 100, postgres3: 0}), limit);
		expect(choice).toEqual({ok: true, from: 'postgres1', to: 'postgres2'});
	});

	test('a target that is not the synchronous standby is refused, naming the one that is', () => {
		const choice = chooseSwitchover(members({postgres1: 'Leader', postgres2: 'Sync Standby', postgres3: 'Replica'}), streaming({postgres2: 0, postgres3: 0}), limit, 'postgres3');
		expect(choice.ok).toBe(false);
		if (!choice.ok) expect(choice.problems.join()).toContain('--to postgres3 is not the synchronous standby (postgres2)');
	});

	test('a replica that does not stream, or lags past the limit, stops the switchover', () => {
		const rows = [
			{name: 'postgres2', state: 'catchup', lagBytes: 0},
			{name: 'postgres3', state: 'streaming', lagBytes: limit + 1},
		];
		const choice = chooseSwitchover(members({postgres1: 'Leader', postgres2: 'Replica', postgres3: 'Replica'}), rows, limit);
		expect(choice.ok).toBe(false);
		if (!choice.ok) {
			expect(choice.problems[0]).toContain('postgres2 is not streaming from postgres1 (catchup)');
			expect(choice.problems[1]).toContain(`postgres3 lags ${limit + 1} bytes behind postgres1`);
		}
	});

	test('a member waiting for a restart stops the switchover', () => {
		const choice = chooseSwitchover(members({postgres1: 'Leader', postgres2: 'Replica'}, {postgres2: {'Pending restart': '*'}}), streaming({postgres2: 0}), limit);
		expect(choice.ok).toBe(false);
		if (!choice.ok) expect(choice.problems.join()).toContain('postgres2 wait(s) for a restart');
	});

	test('an unknown target or the leader itself is refused', () => {
		const all = members({postgres1: 'Leader', postgres2: 'Replica'});
		const unknown = chooseSwitchover(all, streaming({postgres2: 0}), limit, 'postgres9');
		expect(unknown.ok || unknown.problems.join()).toContain('--to postgres9 is not a member; the members are postgres1, postgres2');
		const self = chooseSwitchover(all, streaming({postgres2: 0}), limit, 'postgres1');
		expect(self.ok || self.problems.join()).toContain('--to postgres1 is already the leader');
	});

	test('no leader, or two, is refused', () => {
		expect(chooseSwitchover(members({postgres1: 'Replica', postgres2: 'Replica'}), [], limit).ok).toBe(false);
		expect(chooseSwitchover(members({postgres1: 'Leader', postgres2: 'Leader'}), [], limit).ok).toBe(false);
	});
});

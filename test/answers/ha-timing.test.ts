import {describe, expect, it} from 'vitest';
import {haTiming, leaderRaceSeconds, partitionExtraSeconds, rtoPresets, writesResumeWithinSeconds} from '../../source/answers/ha-timing.js';
import type {Answers} from '../../source/answers/schema.js';

const answers = (ha: Partial<Answers['ha']>, patroni: Partial<Answers['patroni']> = {}): Pick<Answers, 'ha' | 'patroni'> => ({
	ha: {durability: 'async', rto: 'normal', ...ha},
	patroni: {maximumLagOnFailover: 1_048_576, ...patroni},
});

describe('the rto presets', () => {
	it('set Patroni, HAProxy and Keepalived together', () => {
		expect(rtoPresets.fast).toEqual({
			patroni: {ttl: 20, loopWait: 5, retryTimeout: 5, primaryStartTimeout: 15},
			haproxy: {interMs: 1000, fastinterMs: 200, downinterMs: 500, fall: 2, rise: 1},
			keepalived: {interval: 1, fall: 2, rise: 1, advertInt: 1},
			worstCaseSeconds: 27,
		});
		expect(rtoPresets.normal).toEqual({
			patroni: {ttl: 30, loopWait: 10, retryTimeout: 10, primaryStartTimeout: 30},
			haproxy: {interMs: 3000, fastinterMs: 200, downinterMs: 1000, fall: 3, rise: 2},
			keepalived: {interval: 2, fall: 2, rise: 2, advertInt: 1},
			worstCaseSeconds: 40,
		});
		expect(rtoPresets.safe).toEqual({
			patroni: {ttl: 60, loopWait: 10, retryTimeout: 25, primaryStartTimeout: 60},
			haproxy: {interMs: 3000, fastinterMs: 500, downinterMs: 2000, fall: 3, rise: 3},
			keepalived: {interval: 2, fall: 3, rise: 2, advertInt: 1},
			worstCaseSeconds: 74,
		});
	});

	it.each(['fast', 'normal', 'safe'] as const)('%s meets Patroni\'s rule loop_wait + 2 × retry_timeout <= ttl and its minimums', name => {
		const {ttl, loopWait, retryTimeout} = rtoPresets[name].patroni;
		expect(loopWait + 2 * retryTimeout).toBeLessThanOrEqual(ttl);
		expect(ttl).toBeGreaterThanOrEqual(20);
		expect(loopWait).toBeGreaterThanOrEqual(1);
		expect(retryTimeout).toBeGreaterThanOrEqual(3);
	});

	it('are ordered: fast recovers sooner than normal, normal sooner than safe', () => {
		expect(rtoPresets.fast.worstCaseSeconds).toBeLessThan(rtoPresets.normal.worstCaseSeconds);
		expect(rtoPresets.normal.worstCaseSeconds).toBeLessThan(rtoPresets.safe.worstCaseSeconds);
	});
});

describe('writesResumeWithinSeconds', () => {
	it('is ttl, the leader race, and HAProxy marking the new leader up (rise × downinter + inter), rounded up', () => {
		expect(leaderRaceSeconds).toBe(5);
		expect(writesResumeWithinSeconds({ttl: 20, loopWait: 5}, {interMs: 1000, fastinterMs: 200, downinterMs: 500, fall: 2, rise: 1})).toBe(27);
		expect(writesResumeWithinSeconds({ttl: 30, loopWait: 10}, {interMs: 3000, fastinterMs: 200, downinterMs: 1000, fall: 3, rise: 2})).toBe(40);
		expect(writesResumeWithinSeconds({ttl: 45, loopWait: 10}, {interMs: 3000, fastinterMs: 200, downinterMs: 1000, fall: 3, rise: 2})).toBe(55);
	});

	it('adds one loop_wait with synchronous durability: the new leader names its synchronous standby on its next loop', () => {
		expect(writesResumeWithinSeconds({ttl: 20, loopWait: 5}, {interMs: 1000, fastinterMs: 200, downinterMs: 500, fall: 2, rise: 1}, true)).toBe(32);
		expect(writesResumeWithinSeconds({ttl: 30, loopWait: 10}, {interMs: 3000, fastinterMs: 200, downinterMs: 1000, fall: 3, rise: 2}, true)).toBe(50);
	});
});

describe('partitionExtraSeconds', () => {
	it('is HAProxy giving up on a silent leader: fall checks, each an inter and the check timeout', () => {
		expect(partitionExtraSeconds(rtoPresets.fast.haproxy)).toBe(12);
		expect(partitionExtraSeconds(rtoPresets.normal.haproxy)).toBe(24);
	});
});

describe('haTiming', () => {
	it('is the preset when the answers override nothing', () => {
		expect(haTiming(answers({rto: 'fast'}))).toEqual({...rtoPresets.fast, rto: 'fast', patroni: {...rtoPresets.fast.patroni, maximumLagOnFailover: 1_048_576}, overridden: []});
		expect(haTiming(answers({})).patroni).toEqual({ttl: 30, loopWait: 10, retryTimeout: 10, primaryStartTimeout: 30, maximumLagOnFailover: 1_048_576});
	});

	it('takes each Patroni override over the preset, keeps the rest, and computes the worst case from the result', () => {
		const timing = haTiming(answers({rto: 'fast'}, {ttl: 45, maximumLagOnFailover: 0}));
		expect(timing.patroni).toEqual({ttl: 45, loopWait: 5, retryTimeout: 5, primaryStartTimeout: 15, maximumLagOnFailover: 0});
		expect(timing.overridden).toEqual(['ttl']);
		expect(timing.haproxy).toEqual(rtoPresets.fast.haproxy);
		expect(timing.keepalived).toEqual(rtoPresets.fast.keepalived);
		expect(timing.worstCaseSeconds).toBe(52);
		const all = haTiming(answers({rto: 'safe'}, {ttl: 40, loopWait: 8, retryTimeout: 12}));
		expect(all.patroni).toMatchObject({ttl: 40, loopWait: 8, retryTimeout: 12, primaryStartTimeout: 60});
		expect(all.overridden).toEqual(['ttl', 'loopWait', 'retryTimeout']);
		expect(all.worstCaseSeconds).toBe(54);
	});
});

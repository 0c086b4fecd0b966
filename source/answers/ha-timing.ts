import type {Answers, RtoPreset} from './schema.js';

/** Patroni's timing, in seconds: keys of its dynamic configuration (ttl, loop_wait, retry_timeout, primary_start_timeout). */
export type PatroniTiming = {ttl: number; loopWait: number; retryTimeout: number; primaryStartTimeout: number};

/** HAProxy's checks of each PostgreSQL node (its default-server line); intervals in milliseconds. */
export type HaproxyTiming = {interMs: number; fastinterMs: number; downinterMs: number; fall: number; rise: number};

/** Keepalived's check that HAProxy runs (vrrp_script) and its VRRP advertisements; intervals in seconds. */
export type KeepalivedTiming = {interval: number; fall: number; rise: number; advertInt: number};

/** One failover speed preset: what it sets in each service, and the worst case it is expected to give. */
export type RtoTiming = {
	patroni: PatroniTiming;
	haproxy: HaproxyTiming;
	keepalived: KeepalivedTiming;
	/** Expected worst case, in whole seconds, for writes through the VIP to resume after the leader's host crashes. */
	worstCaseSeconds: number;
};

/**
 * Seconds, after the leader key expires, for the replicas to race for it, the
 * winner to promote, and a client to reconnect through the VIP.
 */
export const leaderRaceSeconds = 5;

/**
 * Expected worst case, in whole seconds, for writes through the VIP to resume
 * after the leader's host crashes: the leader's etcd key can live a full ttl
 * after the crash, then the race and promotion ({@link leaderRaceSeconds}),
 * then HAProxy sees the new leader up: `rise` checks `downinter` apart, after
 * up to one `inter` for the check already under way. An expectation from the
 * settings, to be measured against a real failover.
 */
export function writesResumeWithinSeconds(patroni: Pick<PatroniTiming, 'ttl' | 'loopWait'>, haproxy: HaproxyTiming, synchronous = false): number {
	// Synchronous: the new leader's commits also wait until its next loop names a synchronous standby.
	return Math.ceil(patroni.ttl + leaderRaceSeconds + (haproxy.rise * haproxy.downinterMs + haproxy.interMs) / 1000 + (synchronous ? patroni.loopWait : 0));
}

/** Seconds HAProxy waits for a health check's answer (`timeout check` in haproxy.cfg). */
export const haproxyCheckTimeoutSeconds = 5;

/**
 * What a network partition of the leader adds to a crash: the leader is not
 * refused but silent, so HAProxy gives up on it only after `fall` checks that
 * each wait out the check timeout, and connections to it time out instead of failing at once.
 */
export function partitionExtraSeconds(haproxy: HaproxyTiming): number {
	return Math.ceil(haproxy.fall * (haproxy.interMs / 1000 + haproxyCheckTimeoutSeconds));
}

type PresetSettings = Omit<RtoTiming, 'worstCaseSeconds'>;

/**
 * fast: a crashed leader is replaced in about half a minute, at the price of
 * failing over on short trouble.
 * - Patroni ttl 20 is Patroni's minimum; loop_wait 5 and retry_timeout 5 keep
 *   loop_wait + 2 × retry_timeout (15) within it. A leader that cannot reach
 *   etcd for 5 s demotes itself: a 5 s network blip can cause a failover.
 * - primary_start_timeout 15: a primary whose PostgreSQL crashed (host still up)
 *   gets 15 s to recover in place before a replica takes over.
 * - HAProxy checks every 1 s, every 500 ms while a node is down; a node is out
 *   after 2 failures and in after 1 success, so the new leader gets writes
 *   within about 1.5 s of Patroni promoting it.
 * - Keepalived: HAProxy checked every second, out after 2 failures, back after 1.
 */
const fast: PresetSettings = {
	patroni: {ttl: 20, loopWait: 5, retryTimeout: 5, primaryStartTimeout: 15},
	haproxy: {interMs: 1000, fastinterMs: 200, downinterMs: 500, fall: 2, rise: 1},
	keepalived: {interval: 1, fall: 2, rise: 1, advertInt: 1},
};

/**
 * normal: Patroni's own defaults (ttl 30, loop_wait 10, retry_timeout 10,
 * which meet loop_wait + 2 × retry_timeout <= ttl exactly) and the HAProxy
 * checks pgha always used (inter 3s, fall 3, rise 2).
 * - primary_start_timeout 30 instead of Patroni's 300: five minutes without
 *   writes is too long to wait for a crashed PostgreSQL to come back in place.
 * - downinter 1s: a node that is down (the next leader) is checked every second.
 * - fastinter 200ms: after a start or reload HAProxy counts every server up
 *   until its first check; 200 ms keeps writes from reaching a replica.
 * - Keepalived: HAProxy checked every 2 s, out after 2 failures, back after 2.
 */
const normal: PresetSettings = {
	patroni: {ttl: 30, loopWait: 10, retryTimeout: 10, primaryStartTimeout: 30},
	haproxy: {interMs: 3000, fastinterMs: 200, downinterMs: 1000, fall: 3, rise: 2},
	keepalived: {interval: 2, fall: 2, rise: 2, advertInt: 1},
};

/**
 * safe: rides out trouble of up to 25 s without a failover, and a crashed
 * leader is replaced in a little over a minute.
 * - Patroni ttl 60 leaves room for retry_timeout 25 (10 + 2 × 25 = 60): a
 *   leader keeps leading through an etcd or network outage of 25 s.
 * - primary_start_timeout 60: a crashed PostgreSQL gets a minute to recover in place.
 * - HAProxy: a node must answer 3 checks in a row, 2 s apart while down,
 *   before it gets traffic, so a node that flaps is not trusted at once;
 *   fastinter 500ms after a reload.
 * - Keepalived: out after 3 failed checks of HAProxy, 2 s apart.
 */
const safe: PresetSettings = {
	patroni: {ttl: 60, loopWait: 10, retryTimeout: 25, primaryStartTimeout: 60},
	haproxy: {interMs: 3000, fastinterMs: 500, downinterMs: 2000, fall: 3, rise: 3},
	keepalived: {interval: 2, fall: 3, rise: 2, advertInt: 1},
};

const withWorstCase = (preset: PresetSettings): RtoTiming => ({...preset, worstCaseSeconds: writesResumeWithinSeconds(preset.patroni, preset.haproxy)});

/**
 * The failover speed presets of `ha.rto`. VRRP advertisements stay at one a
 * second in all three (Keepalived's default and its finest whole-second step):
 * the balancer that waits takes the VIP about 3 s after the other goes silent.
 */
export const rtoPresets: Readonly<Record<RtoPreset, RtoTiming>> = {fast: withWorstCase(fast), normal: withWorstCase(normal), safe: withWorstCase(safe)};

/** The Patroni timing keys the answers may override one by one (`patroni.ttl`, ...). */
export const patroniOverrides = ['ttl', 'loopWait', 'retryTimeout'] as const;

/** The timing in effect for a cluster: the `ha.rto` preset with the `patroni` overrides applied. */
export type HaTiming = RtoTiming & {
	rto: RtoPreset;
	patroni: PatroniTiming & {maximumLagOnFailover: number};
	/** The Patroni keys the answers set themselves instead of taking the preset's. */
	overridden: Array<(typeof patroniOverrides)[number]>;
};

/**
 * The effective timing of a cluster: the `ha.rto` preset, with `patroni.ttl`,
 * `loopWait` and `retryTimeout` from the answers where they are set, and the
 * expected worst case computed again from the result. Pure.
 */
export function haTiming(answers: Pick<Answers, 'ha' | 'patroni'>): HaTiming {
	const rto = answers.ha.rto;
	const preset = rtoPresets[rto];
	const overridden = patroniOverrides.filter(key => answers.patroni[key] !== undefined);
	const patroni = {
		...preset.patroni,
		ttl: answers.patroni.ttl ?? preset.patroni.ttl,
		loopWait: answers.patroni.loopWait ?? preset.patroni.loopWait,
		retryTimeout: answers.patroni.retryTimeout ?? preset.patroni.retryTimeout,
		maximumLagOnFailover: answers.patroni.maximumLagOnFailover,
	};
	const synchronous = answers.ha.durability === 'synchronous';
	return {rto, patroni, haproxy: preset.haproxy, keepalived: preset.keepalived, worstCaseSeconds: writesResumeWithinSeconds(patroni, preset.haproxy, synchronous), overridden};
}

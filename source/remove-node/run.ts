import type {Answers, HostAnswers} from '../answers/schema.js';
import {hasRole, hostsWithRole} from '../answers/hosts.js';
import {haTiming} from '../answers/ha-timing.js';
import type {HostRun} from '../../recipes/kit/step.js';
import {waitFor} from '../../recipes/kit/wait-for.js';
import {disableUnitsScript} from '../../recipes/kit/service-step.js';
import {backupSchedulePath} from '../../recipes/pgbackrest/schedule.js';
import {etcdctl, etcdMembers} from '../../recipes/etcd/probes.js';
import {holdsVip} from '../../recipes/keepalived/probes.js';
import {patroniMembers, psql} from '../../recipes/postgres/probes.js';
import {patroniNamespace} from '../../recipes/postgres/render.js';
import {shQuote} from '../transport/quote.js';
import {locations, removedMark} from '../../recipes/kit/locations.js';
import {dataDirsOf, memberSlotName, servicesOf} from './plan.js';

/** How long the run waits for the cluster to move on; tests make them short. */
export type RemovalWaits = {pollMs: number; memberGoneMs: number; slotGoneMs: number; vipMs: number};

/** Everything one removal needs: the cluster with and without the host, a way onto each connected host, and the parts run by others. */
export type RemovalRun = {
	/** The answers that still list the host. */
	answers: Answers;
	/** The same answers without it: what the rest of the cluster converges to. */
	remaining: Answers;
	host: HostAnswers;
	/** A connected host's shell; undefined for a host that does not answer. */
	runOn: (host: string) => HostRun | undefined;
	wipe: boolean;
	log: (line: string) => void;
	/** Hands the leader role to a replica (pgha switchover's own run); present only when the host leads. */
	switchover?: () => Promise<void>;
	/** The convergent run on the remaining hosts, ending with verify: true when it passed. */
	converge: () => Promise<boolean>;
	waits?: RemovalWaits;
};

/** The waits of a real cluster, from its Patroni timing: a dead member's key lives a ttl, its slot goes on the leader's next loop. */
export function removalWaits(answers: Pick<Answers, 'ha' | 'patroni'>): RemovalWaits {
	const {ttl, loopWait} = haTiming(answers).patroni;
	return {pollMs: 1_000, memberGoneMs: (ttl + loopWait + 30) * 1000, slotGoneMs: (2 * loopWait + 10) * 1000, vipMs: 60_000};
}

/** The first of these hosts that answers, with its shell. */
function firstAnswering(hosts: readonly HostAnswers[], runOn: RemovalRun['runOn']): {name: string; run: HostRun} | undefined {
	for (const host of hosts) {
		const run = runOn(host.name);
		if (run) return {name: host.name, run};
	}
	return undefined;
}

/**
 * The VIP leaves a balancer that is about to go: its Keepalived stops, and
 * the run waits until another balancer holds the VIP and HAProxy answers on
 * 5000 there, so writes through the VIP keep working before anything else changes.
 */
export async function moveVipAway(r: RemovalRun): Promise<void> {
	const {host, runOn, remaining, log} = r;
	const run = runOn(host.name);
	if (!hasRole(host, 'balancer') || !run || !(await holdsVip(run, remaining.network.vip))) return;
	const vip = remaining.network.vip;
	log(`${host.name}: holds the VIP ${vip}; stopping Keepalived there so another balancer takes it`);
	await run('systemctl stop keepalived', {check: true});
	const others = hostsWithRole(remaining, 'balancer');
	let holder = '';
	await waitFor(
		`another balancer to hold the VIP ${vip} and answer on 5000`,
		async () => {
			for (const b of others) {
				const other = runOn(b.name);
				if (other && (await holdsVip(other, vip)) && (await other(`timeout 3 bash -c ${shQuote(`exec 3<>/dev/tcp/${vip}/5000`)}`, {quiet: true, check: false})).code === 0) {
					holder = b.name;
					return true;
				}
			}
			return false;
		},
		r.waits?.vipMs ?? 60_000,
		r.waits?.pollMs ?? 500,
	);
	log(`${holder}: holds the VIP ${vip} and answers on 5000`);
}

/** Waits until Patroni no longer lists the member (stopped cleanly it leaves at once; a dead host's key lives out its ttl). */
export async function waitMemberGone(r: RemovalRun, stopped: boolean): Promise<void> {
	const node = firstAnswering(hostsWithRole(r.remaining, 'postgres'), r.runOn);
	if (!node) throw new Error('no remaining PostgreSQL node answers over SSH');
	// A stopped Patroni leaves its member key to expire with its lease (ttl seconds); nothing refreshes it any more, so it goes now.
	// A host that did not answer may still run Patroni: its key is left to expire.
	const etcd = stopped ? firstAnswering(hostsWithRole(r.remaining, 'etcd'), r.runOn) : undefined;
	if (etcd) await etcd.run(etcdctl(r.remaining, `del ${shQuote(`${patroniNamespace}${r.answers.cluster.name}/members/${r.host.name}`)}`), {quiet: true, check: false});
	const waits = r.waits ?? removalWaits(r.answers);
	await waitFor(
		`Patroni to forget ${r.host.name}`,
		async () => {
			const members = await patroniMembers(node.run, {fromDcs: true});
			return members.length > 0 && !members.some(m => m.Member === r.host.name);
		},
		waits.memberGoneMs,
		waits.pollMs,
	);
	r.log(`${node.name}: Patroni no longer lists ${r.host.name}`);
}

/**
 * No replication slot keeps WAL for the member: Patroni drops the slot of a
 * member that left on the leader's next loop; one still there after two
 * loops (and not in use) is dropped here, or it would fill the leader's disk.
 */
export async function dropLeftoverSlot(r: RemovalRun): Promise<void> {
	const slot = memberSlotName(r.host.name);
	const nodes = hostsWithRole(r.remaining, 'postgres');
	const node = firstAnswering(nodes, r.runOn);
	if (!node) throw new Error('no remaining PostgreSQL node answers over SSH');
	const leaderName = (await patroniMembers(node.run, {fromDcs: true})).find(m => m.Role === 'Leader')?.Member;
	const leader = leaderName ? r.runOn(leaderName) : undefined;
	if (!leaderName || !leader) throw new Error(`Patroni names no leader that answers; the replication slot ${slot} cannot be checked`);
	// A query that failed says nothing about the slot: it must not read as "no slot".
	const state = async () => {
		const result = await psql(leader, `select active from pg_replication_slots where slot_name = '${slot}';`);
		if (result.code !== 0) throw new Error(`the replication slots on ${leaderName} cannot be read: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
		return result.stdout.trim();
	};
	const waits = r.waits ?? removalWaits(r.answers);
	const gone = await waitFor(`Patroni to drop the replication slot ${slot}`, async () => (await state()) === '', waits.slotGoneMs, waits.pollMs).then(
		() => true,
		() => false,
	);
	if (gone) {
		r.log(`${leaderName}: no replication slot keeps WAL for ${r.host.name}`);
		return;
	}
	if ((await state()) === 't') throw new Error(`the replication slot ${slot} on ${leaderName} is still in use; ${r.host.name} still streams`);
	await psql(leader, `select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '${slot}' and not active;`);
	if ((await state()) !== '') throw new Error(`the replication slot ${slot} on ${leaderName} could not be dropped; drop it with pg_drop_replication_slot('${slot}') as postgres there`);
	r.log(`${leaderName}: dropped the replication slot ${slot}, left behind for ${r.host.name}; no WAL is kept for it`);
}

/** etcd's `member list -w simple` as id and name, e.g. `8e9e05c52164694d, started, etcd1, https://…, https://…, false`. */
export function parseEtcdMemberList(text: string): Array<{id: string; name: string}> {
	return text
		.trim()
		.split('\n')
		.map(line => line.split(',').map(field => field.trim()))
		.filter(fields => /^[0-9a-f]+$/.test(fields[0] ?? '') && fields[2])
		.map(fields => ({id: fields[0]!, name: fields[2]!}));
}

/**
 * The host leaves etcd's membership before its etcd stops: from a remaining
 * member, over TLS with that member's client certificate, once every
 * remaining member is healthy. A member already gone (a re-run) is not an error.
 */
export async function removeEtcdMember(r: RemovalRun): Promise<void> {
	if (!hasRole(r.host, 'etcd')) return;
	const node = firstAnswering(hostsWithRole(r.remaining, 'etcd'), r.runOn);
	if (!node) throw new Error('no remaining etcd member answers over SSH');
	const members = await etcdMembers(node.run, r.remaining);
	const sick = members.filter(m => !m.healthy);
	if (sick.length > 0) throw new Error(`etcd is not healthy without ${r.host.name} (${sick.map(m => `${m.endpoint}: ${m.error ?? 'unhealthy'}`).join('; ')}); its membership was not changed`);
	const listed = parseEtcdMemberList((await node.run(etcdctl(r.remaining, 'member list -w simple'), {quiet: true, check: true})).stdout).find(m => m.name === r.host.name);
	if (!listed) {
		r.log(`${node.name}: etcd no longer lists ${r.host.name}`);
		return;
	}
	await node.run(etcdctl(r.remaining, `member remove ${listed.id}`), {check: true});
	r.log(`${node.name}: etcd member ${r.host.name} (${listed.id}) removed; ${members.length} members remain`);
}

/**
 * Removes a host from a live cluster, in the order a re-run can finish:
 * switchover, the VIP, the host's database services, Patroni's member and
 * slot, etcd's membership, the host's other services, its data with --wipe,
 * then the convergent run on the rest of the cluster (which saves the answers
 * without the host) and verify. Every step first looks whether it is done.
 */
export async function removeNode(r: RemovalRun): Promise<boolean> {
	const {host, runOn, log} = r;
	const run = runOn(host.name);
	if (r.switchover) await r.switchover();
	await moveVipAway(r);
	const services = servicesOf(host);
	const database = services.filter(s => ['patroni', 'postgresql', 'pgbouncer'].includes(s));
	if (!run) log(`${host.name}: does not answer over SSH; its services were not stopped (warning): if it comes back, run systemctl disable --now ${services.join(' ')} there`);
	else if (database.length > 0) {
		log(`${host.name}: stopping and disabling ${database.join(', ')}`);
		await run(disableUnitsScript(database), {check: true});
	}
	if (hasRole(host, 'postgres')) {
		await waitMemberGone(r, run !== undefined);
		await dropLeftoverSlot(r);
	}
	await removeEtcdMember(r);
	const rest = services.filter(s => !database.includes(s));
	if (run) {
		if (rest.length > 0) {
			log(`${host.name}: stopping and disabling ${rest.join(', ')}`);
			await run(disableUnitsScript(rest), {check: true});
		}
		// The backup schedule names the cluster: it would run against hosts that no longer take this host in.
		await run(`rm -f ${shQuote(backupSchedulePath(r.answers))}`, {check: true});
		if (r.wipe && dataDirsOf(host).length > 0) {
			log(`${host.name}: --wipe: emptying ${dataDirsOf(host).join(', ')}`);
			// Emptied, not removed: a data directory may be a mount point of its own.
			await run(`for dir in ${dataDirsOf(host).map(shQuote).join(' ')}; do if [ -d "$dir" ]; then find "$dir" -xdev -mindepth 1 -delete; fi; done`, {check: true});
		} else if (dataDirsOf(host).length > 0) {
			// The data stays, but it is the cluster's past: marked, so that no later install starts the host as a member on it.
			log(`${host.name}: its data stays, marked in ${locations.clusterMarker} as left behind by this removal`);
			await run(`if [ -f ${locations.clusterMarker} ]; then printf '%s\\n%s\\n' ${shQuote(r.answers.cluster.name)} ${removedMark} > ${locations.clusterMarker}; fi`, {check: true});
		}
	} else if (r.wipe) log(`${host.name}: --wipe could not empty ${dataDirsOf(host).join(', ')}: it does not answer (warning)`);
	log(`the rest of the cluster forgets ${host.name}`);
	return r.converge();
}

import type {Answers, HostAnswers} from '../answers/schema.js';
import {hasRole, hostNames, hostsWithRole} from '../answers/hosts.js';
import {etcdTolerates, minimumEtcdMembers} from '../answers/rules.js';

/** What the removal rules need to know about the live cluster besides the answers. */
export type RemovalFacts = {
	answers: Pick<Answers, 'hosts' | 'cluster' | 'network' | 'ha'>;
	name: string;
	/** The member Patroni names as leader now; undefined when no node answers. */
	leader?: string;
	/** --switchover: the leader role may be handed to a replica first. */
	switchover: boolean;
};

/** The judgement: the host and what the run must do first, or every reason it is refused. */
export type RemovalJudgement =
	| {ok: true; host: HostAnswers; switchoverFirst: boolean; notes: string[]}
	| {ok: false; refusals: string[]};

export {etcdTolerates};

const failures = (n: number) => `${n} failure${n === 1 ? '' : 's'}`;

/**
 * Whether a host may leave the cluster, judged for every role it carries at
 * once. Pure: the same answers, leader and flag always give the same
 * refusals, so the command and its tests agree on them word for word.
 */
export function judgeRemoval({answers, name, leader, switchover}: RemovalFacts): RemovalJudgement {
	const host = answers.hosts.find(h => h.name === name);
	if (!host) return {ok: false, refusals: [`no host named "${name}" in cluster ${answers.cluster.name}; its hosts are ${hostNames(answers.hosts).join(', ')}`]};
	const refusals: string[] = [];
	const notes: string[] = [];
	let switchoverFirst = false;
	const left = (role: 'postgres' | 'etcd' | 'balancer') => hostsWithRole(answers, role).filter(h => h.name !== name);

	if (hasRole(host, 'backup'))
		refusals.push(
			`${name} keeps the pgBackRest repository (every backup and the WAL archive); pgha cannot move the repository to another host. ` +
				'To take the whole cluster down with its backups: `pgha uninstall --wipe-backups`',
		);

	if (hasRole(host, 'postgres')) {
		const remaining = left('postgres').length;
		if (remaining < 2)
			refusals.push(`${name} is one of ${remaining + 1} PostgreSQL nodes; ${remaining} would remain, and a highly available cluster needs at least 2 (a replica to fail over to)`);
		else if (leader === name && !switchover) refusals.push(`${name} leads; run with --switchover to hand the leader role to a replica first, or \`pgha switchover\``);
		else if (leader === name) {
			switchoverFirst = true;
			notes.push(`${name} leads: the leader role is handed to a replica first (a switchover, writes pause for a few seconds)`);
		}
		if (remaining >= 2 && answers.ha.durability === 'synchronous' && (answers.ha.writesWithoutReplica ?? 'wait') === 'wait' && remaining === 2)
			notes.push('with synchronous durability and writesWithoutReplica: wait, 1 replica remains: while it is down or restarting, commits wait for it');
		else if (remaining === 2) notes.push('2 PostgreSQL nodes remain: after a failover there is no replica left until the old leader returns');
	}

	if (hasRole(host, 'etcd')) {
		const now = hostsWithRole(answers, 'etcd').length;
		const remaining = now - 1;
		if (remaining < minimumEtcdMembers)
			refusals.push(`${name} is one of ${now} etcd members; ${remaining} would remain, and etcd needs at least ${minimumEtcdMembers} (3 tolerate 1 failure; 2 tolerate none)`);
		else if (etcdTolerates(remaining) < etcdTolerates(now))
			refusals.push(
				`${name} is one of ${now} etcd members; ${remaining} would remain, and ${remaining} members tolerate ${failures(etcdTolerates(remaining))} where ${now} tolerate ${failures(etcdTolerates(now))} ` +
					`(a majority of ${remaining} is ${Math.floor(remaining / 2) + 1}): the cluster would survive fewer failures`,
			);
	}

	if (hasRole(host, 'balancer')) {
		const others = left('balancer');
		if (others.length === 0)
			refusals.push(`${name} is the last balancer; nothing else could hold the VIP ${answers.network.vip}, and pgha cannot give the balancer role to another host on a live cluster`);
		else if (others.length === 1)
			notes.push(`1 balancer remains (${others[0]!.name}): the VIP ${answers.network.vip} has no standby; if that host fails, clients lose the VIP until it returns`);
	}

	return refusals.length > 0 ? {ok: false, refusals} : {ok: true, host, switchoverFirst, notes};
}

/** The answers without the host: its entry and its recorded SSH key gone, everything else as it was. */
export function withoutHost<A extends {hosts: readonly {name: string}[]; ssh?: {hostKeys?: Record<string, string>}}>(answers: A, name: string): A {
	const {[name]: _gone, ...hostKeys} = answers.ssh?.hostKeys ?? {};
	return {...answers, hosts: answers.hosts.filter(h => h.name !== name), ...(answers.ssh ? {ssh: {...answers.ssh, ...(answers.ssh.hostKeys ? {hostKeys} : {})}} : {})};
}

import type {Answers} from '../answers/schema.js';
import {hasRole} from '../answers/hosts.js';

/** What the order of an upgrade depends on: who leads and who holds the VIP now. */
export type UpgradeFacts = {leader?: string; vipHolder?: string};

/**
 * The hosts of an upgrade, one at a time, in the order that keeps the cluster
 * serving: the hosts that carry neither PostgreSQL nor a balancer (etcd
 * members first, so the quorum moves one member at a time; then the
 * repository), then the PostgreSQL replicas, then the leader (its step hands
 * the leader role over before anything restarts there), then the balancers
 * that carry nothing else, the one holding the VIP last. Pure.
 */
export function upgradeOrder(answers: Pick<Answers, 'hosts'>, facts: UpgradeFacts): string[] {
	const hosts = answers.hosts;
	const plain = hosts.filter(h => !hasRole(h, 'postgres') && !hasRole(h, 'balancer'));
	const etcdFirst = [...plain.filter(h => hasRole(h, 'etcd')), ...plain.filter(h => !hasRole(h, 'etcd'))];
	const postgres = hosts.filter(h => hasRole(h, 'postgres'));
	const replicas = postgres.filter(h => h.name !== facts.leader);
	const leader = postgres.filter(h => h.name === facts.leader);
	const balancers = hosts.filter(h => hasRole(h, 'balancer') && !hasRole(h, 'postgres'));
	const holderLast = [...balancers.filter(h => h.name !== facts.vipHolder), ...balancers.filter(h => h.name === facts.vipHolder)];
	return [...etcdFirst, ...replicas, ...leader, ...holderLast].map(h => h.name);
}

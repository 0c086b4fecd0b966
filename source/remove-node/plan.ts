import type {Answers, HostAnswers} from '../answers/schema.js';
import {backupHost, hasRole, hostNames, hostsWithRole} from '../answers/hosts.js';
import {locations} from '../../recipes/kit/locations.js';

/** What the plan is drawn from: the cluster as it is, the host leaving it, and what was learnt from the live cluster. */
export type RemovalPlanInput = {
	answers: Pick<Answers, 'hosts' | 'cluster' | 'network'>;
	host: HostAnswers;
	leader?: string;
	switchoverFirst: boolean;
	/** The balancer holding the VIP now, when one answered. */
	vipHolder?: string;
	/** False when the host does not answer over SSH: its own services cannot be stopped now. */
	reachable: boolean;
	wipe: boolean;
	notes: string[];
};

/** The services on a host that its roles run, in the order they are stopped. */
export function servicesOf(host: Pick<HostAnswers, 'roles'>): string[] {
	return [
		...(hasRole(host, 'postgres') ? ['patroni', 'postgresql', 'pgbouncer'] : []),
		...(hasRole(host, 'etcd') ? ['etcd'] : []),
		...(hasRole(host, 'balancer') ? ['keepalived', 'haproxy'] : []),
	];
}

/** The data directories --wipe empties on a host with these roles. */
export function dataDirsOf(host: Pick<HostAnswers, 'roles'>): string[] {
	return [...(hasRole(host, 'postgres') ? [locations.pgDataDir] : []), ...(hasRole(host, 'etcd') ? [locations.etcdDataDir] : [])];
}

/** Patroni's name for a member's physical replication slot (Patroni's slot_name_from_member_name). */
export function memberSlotName(member: string): string {
	return member
		.toLowerCase()
		.replace(/[^a-z0-9_]/g, '_')
		.slice(0, 63);
}

const list = (names: string[]) => names.join(', ');
const oneOf = (names: string[]) => (names.length === 1 ? names[0]! : `one of ${list(names)}`);

/**
 * The plan `pgha remove-node` shows before it asks: for each host, what
 * changes there and whether anything restarts. Pure: a test reads it line by line.
 */
export function removalPlan(input: RemovalPlanInput): string[] {
	const {answers, host, leader, switchoverFirst, vipHolder, reachable, wipe, notes} = input;
	const name = host.name;
	const others = answers.hosts.filter(h => h.name !== name);
	const withRole = (role: 'postgres' | 'etcd' | 'balancer') => hostNames(hostsWithRole({hosts: others}, role));
	const repo = backupHost({hosts: others});
	const lines = [`Plan for removing ${name} (${host.ip}; ${host.roles.join(', ')}) from cluster "${answers.cluster.name}":`];
	if (switchoverFirst) lines.push(`  switchover first: ${name} hands the leader role to a replica (pgha switchover's pre-checks apply)`);
	if (hasRole(host, 'balancer') && vipHolder === name)
		lines.push(`  ${name} holds the VIP ${answers.network.vip}: Keepalived stops there first, and the run waits until ${oneOf(withRole('balancer'))} holds it and answers on 5000`);
	const services = servicesOf(host);
	if (reachable) lines.push(`  ${name}: ${list(services)} ${services.length === 1 ? 'stops and is' : 'stop and are'} disabled (a reboot does not start them)`);
	else lines.push(`  ${name} does not answer over SSH: its services cannot be stopped now (stop them by hand if it comes back: systemctl disable --now ${services.join(' ')}); the rest of the cluster forgets it`);
	if (hasRole(host, 'postgres')) {
		const slot = memberSlotName(name);
		lines.push(`  ${leader && leader !== name ? leader : 'the leader'}: Patroni drops the replication slot ${slot} once ${name} leaves; a slot left behind is dropped, so no WAL is kept for ${name}`);
		lines.push(`  ${list(withRole('postgres'))}: pg_hba no longer admits ${host.ip} (Patroni reloads, nothing restarts)`);
		lines.push(`  ${list(withRole('balancer'))}: HAProxy's backends lose ${name} (reload, sessions kept)`);
		if (repo) lines.push(`  ${repo.name}: pgBackRest's configuration no longer lists ${name} (the nodes are numbered pg1..pg${withRole('postgres').length} again)`);
	}
	if (hasRole(host, 'etcd')) {
		const remaining = withRole('etcd');
		lines.push(`  ${remaining[0] ?? 'an etcd member'}: \`etcdctl member remove ${name}\` once every remaining member is healthy, before ${name}'s etcd stops`);
		lines.push(`  ${list(remaining)}: /etc/default/etcd forgets ${name} (read only when a member first starts: no restart)`);
		lines.push(`  ${list(withRole('postgres'))}: Patroni's etcd hosts forget ${name} (its configuration file; Patroni learns the members from etcd itself, nothing restarts)`);
	}
	if (hasRole(host, 'balancer')) {
		const remaining = withRole('balancer');
		if (remaining.length === 1) lines.push(`  ${remaining[0]}: Keepalived forgets its peer ${name} and holds the VIP alone, as the sole balancer (reload)`);
		else lines.push(`  ${list(remaining)}: Keepalived's peers forget ${name} (reload)`);
	}
	if (wipe) lines.push(`  --wipe: ${dataDirsOf(host).join(' and ')} on ${name} ${dataDirsOf(host).length === 1 ? 'is' : 'are'} emptied${reachable ? '' : ' (not now: it does not answer)'}; that data is gone for good`);
	else if (dataDirsOf(host).length > 0) lines.push(`  ${name} keeps its data (${dataDirsOf(host).join(', ')}): marked as left behind, so no install starts it as a member again; --wipe empties it`);
	lines.push(`  ${name}'s configuration files stay (they name the cluster; nothing reads them while its services are disabled)`);
	lines.push(`  the saved answers forget ${name} and its host key; then verify`);
	for (const note of notes) lines.push(`  note: ${note}`);
	return lines;
}

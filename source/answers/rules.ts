import type {Answers, Role} from './schema.js';
import type {Problem} from './problem.js';
import {ipToNumber, subnetOf} from './ip.js';
import {hasRole, hostsWithRole} from './hosts.js';
import {haTiming} from './ha-timing.js';
import {durability} from './durability.js';

/** etcd needs a majority to work: below 3 members it survives no failure. */
export const minimumEtcdMembers = 3;

/** Failures a quorum of n etcd members survives: a majority must remain. */
export const etcdTolerates = (members: number): number => Math.max(0, Math.floor((members - 1) / 2));

const failures = (n: number) => `${n} failure${n === 1 ? '' : 's'}`;

/**
 * Rules that compare fields with each other; the schema checks each field alone.
 * Every broken rule is reported, each naming its path and the fix.
 */
export function checkRules(answers: Answers): Problem[] {
	const problems: Problem[] = [];
	const add = (path: string, message: string) => problems.push({path, message});
	const {hosts, network} = answers;

	const names = new Map<string, number>();
	const ips = new Map<string, number>();
	hosts.forEach((host, i) => {
		const key = host.name.toLowerCase();
		if (names.has(key)) add(`hosts[${i}].name`, `"${host.name}" is already used by hosts[${names.get(key)}]; give each host its own name`);
		else names.set(key, i);
		if (ips.has(host.ip)) add(`hosts[${i}].ip`, `${host.ip} is already used by hosts[${ips.get(host.ip)}]; give each host its own address`);
		else ips.set(host.ip, i);
		const seen = new Set<Role>();
		for (const role of host.roles) {
			if (seen.has(role)) add(`hosts[${i}].roles`, `lists "${role}" twice; list each role once`);
			seen.add(role);
		}
		const last = Number(host.ip.split('.')[0]);
		if (last === 0 || last === 127 || last >= 224)
			add(`hosts[${i}].ip`, `${host.ip} is not a unicast host address; use the address the server has on its LAN`);
	});

	const withRole = (role: Role) => hostsWithRole({hosts: hosts.map((h, i) => ({...h, index: i}))}, role);
	const etcd = withRole('etcd');
	if (etcd.length < minimumEtcdMembers)
		add('hosts', `has ${etcd.length} etcd member(s); etcd needs at least ${minimumEtcdMembers} (3 tolerate 1 failure, 5 tolerate 2): give the etcd role to ${minimumEtcdMembers - etcd.length} more host(s)`);
	const postgres = withRole('postgres');
	if (postgres.length < 2) add('hosts', `has ${postgres.length} postgres host(s); a highly available cluster needs at least 2: give the postgres role to more hosts`);
	const balancers = withRole('balancer');
	if (balancers.length === 0)
		add('hosts', 'has 0 balancers; the VIP needs a balancer to hold it, and a second to take over when it fails: give the balancer role to 2 hosts');
	const backups = withRole('backup');
	if (backups.length > 1) add('hosts', `has ${backups.length} backup hosts; pgha keeps one pgBackRest repository: keep the backup role on one host`);

	const vip = ipToNumber(network.vip);
	const prefix = network.prefix;
	const subnet = subnetOf(network.vip, prefix);
	for (const host of balancers) {
		if (subnetOf(host.ip, prefix).network !== subnet.network)
			add('network.vip', `${network.vip}/${prefix} is not in the subnet of balancer ${host.name} (${host.ip}); choose a free address in ${subnetOf(host.ip, prefix).cidr}`);
	}
	if (ips.has(network.vip)) add('network.vip', `${network.vip} is the address of hosts[${ips.get(network.vip)}]; the VIP must be a free address no host uses`);
	if (vip === subnet.network) add('network.vip', `${network.vip} is the network address of ${subnet.cidr}; choose a host address inside it`);
	if (vip === subnet.broadcast) add('network.vip', `${network.vip} is the broadcast address of ${subnet.cidr}; choose a host address inside it`);
	hosts.forEach((host, i) => {
		const n = ipToNumber(host.ip);
		const own = subnetOf(host.ip, prefix);
		if (n === own.network || n === own.broadcast)
			add(`hosts[${i}].ip`, `${host.ip} is the ${n === own.network ? 'network' : 'broadcast'} address of ${own.cidr}; use a host address`);
	});

	const {backup} = answers;
	if (backups.length === 1 && backup.retentionDiff !== undefined && !backup.differential)
		add('backup.retentionDiff', 'is set but no differential schedule is; set backup.differential or remove retentionDiff');
	const {ssh} = answers;
	if (!ssh.identityFile && !ssh.password && !ssh.agent)
		add('ssh', 'gives no way to log in; set ssh.identityFile (a private key), ssh.agent: true (SSH_AUTH_SOCK) or ssh.password');

	if (answers.packages.source === 'bundle' && !answers.packages.bundle)
		add('packages.bundle', 'is missing; packages.source is bundle, so give the bundle file (made by pgha bundle create), or set source: mirror');
	if (answers.packages.source === 'mirror' && answers.packages.bundle)
		add('packages.source', `is mirror, but packages.bundle names ${answers.packages.bundle}; set source: bundle to install from it, or remove bundle`);
	if (answers.ha.durability === 'async' && answers.ha.writesWithoutReplica !== undefined)
		add('ha.writesWithoutReplica', 'is set but ha.durability is async, where no commit waits for a replica; set ha.durability: synchronous or remove writesWithoutReplica');

	// Patroni refuses to start when a leader could lose its key while still retrying the DCS.
	// The values in effect are judged: the ha.rto preset with the patroni overrides.
	const timing = haTiming(answers);
	const {ttl, loopWait, retryTimeout} = timing.patroni;
	const source = (key: (typeof timing.overridden)[number]) => (timing.overridden.includes(key) ? '' : `, from ha.rto ${timing.rto}`);
	if (loopWait + 2 * retryTimeout > ttl)
		add('patroni', `loopWait (${loopWait}${source('loopWait')}) + 2 × retryTimeout (${retryTimeout}${source('retryTimeout')}) is ${loopWait + 2 * retryTimeout}, above ttl (${ttl}${source('ttl')}); Patroni needs loop_wait + 2 × retry_timeout <= ttl: raise ttl to ${loopWait + 2 * retryTimeout} or lower loopWait or retryTimeout`);
	return problems;
}

/** Non-fatal observations shown in the plan and the wizard's review. */
export function warnings(answers: Answers): string[] {
	const out: string[] = [];
	const has = (role: Role) => hostsWithRole(answers, role);
	if (has('backup').length === 0) out.push('No backup host: WAL is not archived and no backups are taken.');
	const etcd = has('etcd').length;
	if (etcd >= minimumEtcdMembers && etcd % 2 === 0)
		out.push(
			`${etcd} etcd members tolerate ${failures(etcdTolerates(etcd))}, as ${etcd - 1} do: a majority of ${etcd} is ${etcd / 2 + 1}, so the ${etcd}th member adds a host that can fail without adding a failure the cluster survives; give the etcd role to ${etcd - 1} or ${etcd + 1} hosts.`,
		);
	const balancers = has('balancer');
	if (balancers.length === 1)
		out.push(
			`1 balancer (${balancers[0]!.name}): the VIP ${answers.network.vip} has no standby; if that host fails, clients lose the VIP until it returns. Give the balancer role to a second host for one to take over.`,
		);
	const shared = has('etcd').filter(h => hasRole(h, 'postgres'));
	if (shared.length > 0) out.push(`etcd shares ${shared.length} host(s) with PostgreSQL: losing one such host costs an etcd vote and a database node at once.`);
	if (has('postgres').length === 2) out.push('Only 2 PostgreSQL nodes: after a failover there is no replica left until the old node returns.');
	const commits = durability(answers);
	if (commits.mode === 'synchronous' && commits.writesWithoutReplica === 'wait' && has('postgres').length === 2)
		out.push('Synchronous commits that wait, on 2 PostgreSQL nodes: while either node is down, writes wait until it returns.');
	return out;
}

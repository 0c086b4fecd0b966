import type {Plan, PlanFailover, PlanPort} from './plan.js';

const port = (p: PlanPort) => (p.protocol === 'vrrp' ? `VRRP from ${p.addresses.join(', ')}` : p.addresses.map(a => `${a}:${p.port}`).join(', '));

/** Who holds the VIP and who takes it over. */
function describeBalancers([first, ...others]: string[]): string {
	if (!first) return 'VIP: no balancer';
	if (others.length === 0) return `VIP: 1 balancer, ${first}, with no standby: if it fails, clients lose the VIP until it returns`;
	return `VIP: ${others.length + 1} balancers; ${first} holds it, ${others.join(', ')} take${others.length === 1 ? 's' : ''} over when it fails`;
}

/** The plan as text for a terminal: what will be where, in what order. Holds no secret. */
export function formatPlan(plan: Plan): string {
	const out: string[] = [];
	const {quorum, connections} = plan;
	out.push(`Plan for cluster "${plan.cluster}" (PostgreSQL ${plan.postgresVersion}, ${plan.hosts.length} hosts, VIP ${plan.vip})`, '');
	out.push(
		'Quorum',
		`  etcd: ${quorum.etcdMembers} members, keeps working with ${quorum.etcdToleratedFailures} down`,
		`  PostgreSQL: ${quorum.postgresNodes} nodes, one primary and ${quorum.postgresNodes - 1} replica${quorum.postgresNodes - 1 === 1 ? '' : 's'}`,
		`  ${describeBalancers(quorum.balancers)}`,
		`  ${describeFailover(plan.failover)}`,
		'',
	);
	const {pinned} = plan.packages;
	const pins = Object.keys(pinned).length;
	out.push(
		'Packages',
		`  ${plan.packages.source === 'bundle' ? `from the bundle ${plan.packages.bundle}, copied to each host (no package source needed)` : 'from the Debian archives the hosts reach'}`,
		`  ${pins > 0 ? `${pins} pinned: a re-run installs exactly these versions and never upgrades` : 'the versions installed are pinned with the cluster at the first install'}`,
		'',
	);
	if (plan.parameters) {
		const restart = plan.parameters.filter(p => p.restart).map(p => p.name);
		out.push(
			'PostgreSQL parameters (in Patroni\'s configuration, on every member)',
			...plan.parameters.map(p => `  ${p.name} = ${String(p.value)}${p.restart ? '  (a change needs a restart)' : ''}`),
			restart.length > 0
				? `  a change of ${restart.join(', ')} ends the run with a rolling restart: replicas one at a time, then a switchover, then the former leader`
				: '  a change is a reload; nothing restarts',
			'',
		);
	}
	out.push('Hosts');
	for (const host of plan.hosts) {
		out.push(`  ${host.name} (${host.ip}): ${host.roles.join(', ')}`);
		out.push(`    packages: ${host.packages.map(name => (pinned[name] ? `${name}=${pinned[name]}` : name)).join(' ')}`);
		for (const service of host.services) {
			out.push(`    service ${service.unit}: ${service.description}`);
			for (const p of service.ports) out.push(`      ${port(p)}: ${p.purpose}`);
		}
		const width = Math.max(...host.files.map(f => f.path.length));
		for (const file of host.files)
			out.push(`    file ${file.path.padEnd(width)}  ${file.mode} ${file.owner}:${file.group}${file.secret ? '  (secret)' : ''}`);
	}
	out.push('', 'Phases');
	plan.phases.forEach((phase, i) => {
		out.push(`  ${i + 1}. ${phase.name} [${phase.hosts.length > 0 ? phase.hosts.join(', ') : 'no hosts'}]`);
		out.push(`     ${phase.action}`);
	});
	out.push(
		'',
		'Connect',
		`  read-write: ${connections.readWrite}`,
		`  read-only:  ${connections.readOnly}`,
		...(connections.libpqReadWrite && connections.libpqReadOnly
			? ['  without the VIP, from network.clientNetworks (libpq picks a node through PgBouncer):', `    ${connections.libpqReadWrite}`, `    ${connections.libpqReadOnly}`]
			: []),
		'  Closed by TLS: every port needs the cluster CA (sslrootcert: ca.crt beside the saved cluster, or tls.caCert).',
	);
	if (plan.warnings.length > 0) out.push('', 'Warnings', ...plan.warnings.map(w => `  - ${w}`));
	return `${out.join('\n')}\n`;
}

/**
 * One line on durability and failover speed, e.g. "failover: synchronous
 * (commits wait for a replica; writes wait when none is left), rto fast:
 * writes back within ~27 s of a leader crash (Patroni ttl 20 s, ...)".
 */
export function describeFailover(failover: PlanFailover): string {
	const commits =
		failover.mode === 'async'
			? 'async (a commit returns once the leader has it; a leader crash can lose the last writes)'
			: `synchronous (commits wait for a replica; ${failover.writesWithoutReplica === 'wait' ? 'writes wait when none is left' : 'writes go on unprotected when none is left'})`;
	const {ttl, loopWait, retryTimeout} = failover.patroni;
	const overridden = failover.overridden.length > 0 ? `; ${failover.overridden.map(key => `patroni.${key}`).join(', ')} from the answers` : '';
	return `failover: ${commits}, rto ${failover.rto}: writes back within ~${failover.expectedWorstCaseSeconds} s of a leader crash (Patroni ttl ${ttl} s, loop_wait ${loopWait} s, retry_timeout ${retryTimeout} s${overridden})`;
}

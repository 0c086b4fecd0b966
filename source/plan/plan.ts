import type {Answers, HostAnswers, Role} from '../answers/schema.js';
import {warnings} from '../answers/rules.js';
import type {PhaseName} from '../engine/events.js';
import {renderHostFiles} from '../render/index.js';
import {ports} from '../render/locations.js';
import {hostsWithRole} from '../render/topology.js';
import {packagesFor} from './packages.js';

/** A file install writes; its content is never part of the plan. */
export type PlanFile = {path: string; owner: string; group: string; mode: string; secret: boolean; service?: string};

/** Something a service listens on (tcp) or sends (VRRP, IP protocol 112, from the host's address). */
export type PlanPort = {protocol: 'tcp' | 'vrrp'; port?: number; addresses: string[]; purpose: string};

export type PlanService = {unit: string; description: string; ports: PlanPort[]};

export type PlanHost = {
	name: string;
	ip: string;
	roles: Role[];
	packages: string[];
	files: PlanFile[];
	services: PlanService[];
};

export type PlanPhase = {name: PhaseName; hosts: string[]; action: string};

export type Quorum = {etcdMembers: number; etcdToleratedFailures: number; postgresNodes: number};

/** How applications connect: through the VIP, or with libpq's own failover through PgBouncer. */
export type ConnectionStrings = {
	readWrite: string;
	readOnly: string;
	libpqReadWrite: string;
	libpqReadOnly: string;
};

/** What `pgha install` would do with these answers. */
export type Plan = {
	cluster: string;
	postgresVersion: number;
	vip: string;
	hosts: PlanHost[];
	phases: PlanPhase[];
	quorum: Quorum;
	warnings: string[];
	connections: ConnectionStrings;
};

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

function servicesOf(answers: Answers, host: HostAnswers): PlanService[] {
	const {vip} = answers.network;
	const services: PlanService[] = [];
	const has = (role: Role) => host.roles.includes(role);
	if (has('etcd'))
		services.push({
			unit: 'etcd',
			description: `etcd member ${host.name}, the store Patroni elects its leader through`,
			ports: [
				{protocol: 'tcp', port: ports.etcdClient, addresses: [host.ip, '127.0.0.1'], purpose: 'clients (Patroni, etcdctl)'},
				{protocol: 'tcp', port: ports.etcdPeer, addresses: [host.ip], purpose: 'peers'},
			],
		});
	if (has('postgres'))
		services.push(
			{
				unit: 'patroni',
				description: `Patroni, running PostgreSQL ${answers.cluster.postgresVersion} as member ${host.name}`,
				ports: [
					{protocol: 'tcp', port: ports.postgres, addresses: [host.ip, '127.0.0.1'], purpose: 'PostgreSQL'},
					{protocol: 'tcp', port: ports.patroniApi, addresses: [host.ip], purpose: 'Patroni REST API (health checks, switchover)'},
				],
			},
			{
				unit: 'pgbouncer',
				description: 'PgBouncer, pooling client connections to the local PostgreSQL',
				ports: [{protocol: 'tcp', port: ports.pgbouncer, addresses: [host.ip, '127.0.0.1'], purpose: 'client connections'}],
			},
		);
	if (has('balancer'))
		services.push(
			{
				unit: 'haproxy',
				description: 'HAProxy, routing to the primary and the replicas',
				ports: [
					{protocol: 'tcp', port: ports.readWrite, addresses: [vip], purpose: 'read-write (primary)'},
					{protocol: 'tcp', port: ports.readOnly, addresses: [vip], purpose: 'read-only (replicas, round robin)'},
					{protocol: 'tcp', port: ports.haproxyStats, addresses: ['*'], purpose: 'statistics page'},
				],
			},
			{
				unit: 'keepalived',
				description: `Keepalived, holding the VIP ${vip} on one balancer`,
				ports: [{protocol: 'vrrp', addresses: [host.ip], purpose: `advertisements to the other balancer, router id ${answers.network.vrrpRouterId}`}],
			},
		);
	if (has('backup'))
		services.push({
			unit: 'cron',
			description: 'cron, running the scheduled pgBackRest backups',
			ports: [{protocol: 'tcp', port: answers.ssh.port, addresses: [host.ip], purpose: 'SSH between the repository and the nodes (pgBackRest)'}],
		});
	return services;
}

function phasesOf(answers: Answers): PlanPhase[] {
	const names = (hosts: HostAnswers[]) => hosts.map(h => h.name);
	const all = names(answers.hosts);
	const postgres = hostsWithRole(answers, 'postgres');
	const balancers = hostsWithRole(answers, 'balancer');
	const repo = hostsWithRole(answers, 'backup')[0];
	const [leader, ...replicas] = postgres;
	const phases: PlanPhase[] = [
		{name: 'preflight', hosts: all, action: 'Connect over SSH and check Debian 12, root or sudo, the addresses, free disk, the clock and existing data; changes nothing'},
		{name: 'packages', hosts: all, action: 'Install the Debian packages of each role, keeping new services from starting on their defaults'},
		{name: 'etcd', hosts: names(hostsWithRole(answers, 'etcd')), action: 'Write /etc/default/etcd, start the members together and wait for a healthy quorum'},
		{name: 'postgres-leader', hosts: leader ? [leader.name] : [], action: 'Write the Patroni configuration and start Patroni, which initialises the database and takes the leader lock'},
		{name: 'postgres-replicas', hosts: names(replicas), action: `Start Patroni, which clones each replica from ${repo ? 'the latest backup or ' : ''}the leader and streams from it`},
		{name: 'pgbouncer', hosts: names(postgres), action: `Create database ${answers.database.name} owned by ${answers.database.owner} and start PgBouncer with the owner's SCRAM verifier`},
		{name: 'balancers', hosts: names(balancers), action: `Configure HAProxy and Keepalived; ${balancers[0]?.name ?? 'the first balancer'} takes the VIP ${answers.network.vip}`},
	];
	if (repo)
		phases.push({
			name: 'backup',
			hosts: [...names(postgres).filter(n => n !== repo.name), repo.name],
			action: `SSH trust between ${repo.name} and the nodes, create stanza ${answers.cluster.name}, check WAL archiving, take the first full backup and schedule the rest`,
		});
	phases.push({
		name: 'verify',
		hosts: all,
		action: `Prove it works: etcd health, one Patroni leader with streaming replicas, a write through ${answers.network.vip}:${ports.readWrite} read back through :${ports.readOnly}${repo ? ', the backup listed' : ''}`,
	});
	return phases;
}

/** The connection strings applications use; the password is never part of them. */
export function connectionStrings(answers: Pick<Answers, 'hosts' | 'network' | 'database'>): ConnectionStrings {
	const {name, owner} = answers.database;
	const {vip} = answers.network;
	const bouncers = hostsWithRole(answers, 'postgres').map(h => `${h.ip}:${ports.pgbouncer}`).join(',');
	return {
		readWrite: `postgresql://${owner}@${vip}:${ports.readWrite}/${name}`,
		readOnly: `postgresql://${owner}@${vip}:${ports.readOnly}/${name}`,
		libpqReadWrite: `postgresql://${owner}@${bouncers}/${name}?target_session_attrs=read-write`,
		libpqReadOnly: `postgresql://${owner}@${bouncers}/${name}?target_session_attrs=prefer-standby`,
	};
}

/** What install would do: per host roles, packages, files and services; the phases; quorum; warnings. Pure. */
export function buildPlan(answers: Answers): Plan {
	const facts = {interface: answers.network.interface ?? 'eth0'};
	const etcd = hostsWithRole(answers, 'etcd').length;
	return {
		cluster: answers.cluster.name,
		postgresVersion: answers.cluster.postgresVersion,
		vip: answers.network.vip,
		hosts: answers.hosts.map(host => ({
			name: host.name,
			ip: host.ip,
			roles: [...host.roles],
			packages: packagesFor(host),
			files: renderHostFiles(answers, host.name, facts).map(file => ({
				path: file.path,
				owner: file.owner,
				group: file.group,
				mode: octal(file.mode),
				secret: file.secret,
				...(file.service ? {service: file.service} : {}),
			})),
			services: servicesOf(answers, host),
		})),
		phases: phasesOf(answers),
		quorum: {etcdMembers: etcd, etcdToleratedFailures: Math.floor((etcd - 1) / 2), postgresNodes: hostsWithRole(answers, 'postgres').length},
		warnings: warnings(answers),
		connections: connectionStrings(answers),
	};
}

import {needsRestart} from '../answers/pg-parameters.js';
import type {Answers, Role} from '../answers/schema.js';
import {etcdTolerates, warnings} from '../answers/rules.js';
import {hostNames, hostsWithRole} from '../answers/hosts.js';
import {schedulePhases, verifyPhase, type PhaseName} from '../phases.js';
import type {ComponentService, ServicePort} from '../../recipes/kit/component.js';
import {hostFiles, hostServices, packagesFor} from '../../recipes/index.js';
import {connectionStrings, type ConnectionStrings} from './connection-strings.js';
import {placeholderKeys} from '../keys/cluster-keys.js';
import {haTiming, partitionExtraSeconds, type HaTiming} from '../answers/ha-timing.js';
import {durability, type Durability} from '../answers/durability.js';

/** A file install writes; its content is never part of the plan. */
export type PlanFile = {path: string; owner: string; group: string; mode: string; secret: boolean; service?: string};

/** Something a service listens on (tcp) or sends (VRRP, IP protocol 112, from the host's address). */
export type PlanPort = ServicePort;

/** A unit a host runs, and its ports. */
export type PlanService = ComponentService;

export type PlanHost = {
	name: string;
	ip: string;
	roles: Role[];
	packages: string[];
	files: PlanFile[];
	services: PlanService[];
};

export type PlanPhase = {name: PhaseName; hosts: string[]; action: string};

export type Quorum = {
	etcdMembers: number;
	etcdToleratedFailures: number;
	postgresNodes: number;
	/** The balancers in host order: the first holds the VIP, the others take it over in turn. */
	balancers: string[];
};

/** How commits are protected and how fast a failover is expected to be, with the timing each service gets. */
export type PlanFailover = Durability & {
	rto: HaTiming['rto'];
	/** Expected worst case, in seconds, for writes through the VIP to resume after the leader's host crashes. */
	expectedWorstCaseSeconds: number;
	/** The same when the leader is cut off the network instead (silent, not refused). */
	expectedPartitionWorstCaseSeconds: number;
	patroni: HaTiming['patroni'];
	haproxy: HaTiming['haproxy'];
	keepalived: HaTiming['keepalived'];
	/** Patroni keys set in the answers instead of taken from the rto preset. */
	overridden: HaTiming['overridden'];
};


/** Where the hosts get their packages and the versions the cluster keeps. */
export type PlanPackages = {source: 'mirror' | 'bundle'; bundle?: string; pinned: Record<string, string>};

/** What `pgha install` would do with these answers. */
export type Plan = {
	cluster: string;
	postgresVersion: number;
	vip: string;
	packages: PlanPackages;
	hosts: PlanHost[];
	phases: PlanPhase[];
	quorum: Quorum;
	failover: PlanFailover;
	warnings: string[];
	connections: ConnectionStrings;
	/** The answers' PostgreSQL parameters, each with whether a change of it needs a restart; absent when none are set. */
	parameters?: Array<{name: string; value: string | number | boolean; restart: boolean}>;
};

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** The durability and failover timing in effect, from the answers. Pure. */
export function planFailover(answers: Answers): PlanFailover {
	const timing = haTiming(answers);
	return {
		...durability(answers),
		rto: timing.rto,
		expectedWorstCaseSeconds: timing.worstCaseSeconds,
		expectedPartitionWorstCaseSeconds: timing.worstCaseSeconds + partitionExtraSeconds(timing.haproxy),
		patroni: timing.patroni,
		haproxy: timing.haproxy,
		keepalived: timing.keepalived,
		overridden: timing.overridden,
	};
}

/** What install would do: per host roles, packages, files and services; the phases; quorum; warnings. Pure. */
export function buildPlan(given: Answers): Plan {
	// The stats password and the keys are made by the run; the plan lists files, never their text.
	const answers = {...given, passwords: {...given.passwords, haproxyStats: given.passwords.haproxyStats ?? 'made-at-install'}};
	const facts = {interface: answers.network.interface ?? 'eth0', keys: placeholderKeys(answers)};
	const etcd = hostsWithRole(answers, 'etcd').length;
	return {
		cluster: answers.cluster.name,
		postgresVersion: answers.cluster.postgresVersion,
		vip: answers.network.vip,
		packages: {source: answers.packages.source, ...(answers.packages.bundle ? {bundle: answers.packages.bundle} : {}), pinned: {...answers.packages.versions}},
		hosts: answers.hosts.map(host => ({
			name: host.name,
			ip: host.ip,
			roles: [...host.roles],
			packages: packagesFor(host),
			files: hostFiles(answers, host.name, facts).map(file => ({
				path: file.path,
				owner: file.owner,
				group: file.group,
				mode: octal(file.mode),
				secret: file.secret,
				...(file.service ? {service: file.service} : {}),
			})),
			services: hostServices(answers, host),
		})),
		phases: [...schedulePhases(answers), verifyPhase(answers)].map(({name, hosts, action}) => ({name, hosts, action})),
		quorum: {etcdMembers: etcd, etcdToleratedFailures: etcdTolerates(etcd), postgresNodes: hostsWithRole(answers, 'postgres').length, balancers: hostNames(hostsWithRole(answers, 'balancer'))},
		failover: planFailover(answers),
		warnings: warnings(answers),
		connections: connectionStrings(answers),
		...(Object.keys(answers.postgresql?.parameters ?? {}).length > 0
			? {parameters: Object.entries(answers.postgresql!.parameters).map(([name, value]) => ({name, value, restart: needsRestart(name)}))}
			: {}),
	};
}

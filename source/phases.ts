import type {Answers} from './answers/schema.js';
import {backupHost, hostNames, hostsWithRole} from './answers/hosts.js';
import {needsRestart} from './answers/pg-parameters.js';

/**
 * The install's named phases in dependency order: the one list the plan, the
 * engine, its events and the UI derive from. `verify` runs after the others.
 */
export const phaseNames = ['preflight', 'packages', 'prepare', 'etcd', 'postgres-leader', 'postgres-replicas', 'backup', 'pgbouncer', 'balancers', 'restart', 'restore-stop', 'restore-backup', 'uninstall-stop', 'uninstall-remove', 'upgrade-packages', 'upgrade', 'verify'] as const;

/** Phases only a restore runs; an install runs the others. */
export const restoreOnlyPhases = ['restore-stop', 'restore-backup'] as const;

/** Phases only an uninstall runs. */
export const uninstallPhases = ['uninstall-stop', 'uninstall-remove'] as const;

/** Phases only an upgrade runs. */
export const upgradePhases = ['upgrade-packages', 'upgrade'] as const;

/** One phase's name. */
export type PhaseName = (typeof phaseNames)[number];

/** What a phase does, in one line for the plan (summary) and one sentence for the person reading it (action). */
const described: Record<PhaseName, {summary: string; action: (answers: Answers) => string}> = {
	preflight: {
		summary: 'facts and safety checks; changes nothing',
		action: () => 'Connect over SSH and check Debian 12, root or sudo, the addresses, free disk, the clock and existing data; changes nothing',
	},
	packages: {summary: 'Debian packages and role basics', action: () => 'Install the Debian packages of each role, keeping new services from starting on their defaults'},
	prepare: {
		summary: "PgBouncer's files and the repository's config, while PostgreSQL starts",
		action: answers =>
			`Write PgBouncer's configuration, TLS files and userlist on each PostgreSQL node${backupHost(answers) ? ` and the repository's directory and configuration on ${backupHost(answers)!.name}` : ''}, alongside the host's next phases: none of it needs a running PostgreSQL`,
	},
	etcd: {summary: 'etcd members formed and healthy', action: () => 'Write /etc/default/etcd, start the members together and wait for a healthy quorum'},
	'postgres-leader': {
		summary: 'Patroni bootstraps the first node',
		action: () => 'Write the Patroni configuration and start Patroni, which initialises the database and takes the leader lock',
	},
	'postgres-replicas': {
		summary: 'Patroni replicas clone and stream',
		action: answers => `Start Patroni, which clones each replica from ${backupHost(answers) ? 'the latest backup or ' : ''}the leader and streams from it`,
	},
	pgbouncer: {
		summary: 'application database, owner and PgBouncer',
		action: answers =>
			`Apply Patroni's cluster settings (failover timing, synchronous mode) and the PostgreSQL parameters, create database ${answers.database.name} owned by ${answers.database.owner} and start PgBouncer with the owner's SCRAM verifier`,
	},
	balancers: {
		summary: 'HAProxy and Keepalived holding the VIP',
		action: answers => `Configure HAProxy and Keepalived; ${hostsWithRole(answers, 'balancer')[0]?.name ?? 'the first balancer'} takes the VIP ${answers.network.vip}`,
	},
	backup: {
		summary: 'SSH trust, stanza, first full backup, schedule',
		action: answers =>
			`SSH trust between ${backupHost(answers)?.name} and the nodes, create stanza ${answers.cluster.name}, check WAL archiving, take the first full backup and schedule the rest`,
	},
	restart: {
		summary: 'rolling restart where a changed setting needs one',
		action: answers => restartAction(answers),
	},
	'restore-stop': {
		summary: 'writes stopped: Patroni and PostgreSQL down on every node',
		action: () => 'Stop and disable Patroni and PostgreSQL on every PostgreSQL node (replicas first), so no write is taken while the cluster is restored',
	},
	'restore-backup': {
		summary: 'a full backup of the restored cluster',
		action: () => 'Take a full backup on the new timeline; the replicas are re-created from it',
	},
	'uninstall-stop': {
		summary: 'the VIP released; backups, balancers, PgBouncer and Patroni stopped',
		action: () => "Remove pgha's backup schedule, then stop and disable Keepalived (the VIP goes), HAProxy, PgBouncer and Patroni on every host",
	},
	'uninstall-remove': {
		summary: "etcd stopped; pgha's packages and files removed",
		action: () => 'Stop etcd, purge the packages pgha installed, remove the files and users it made, and wipe data and backups only where asked',
	},
	'upgrade-packages': {
		summary: 'the new package versions on every host; nothing restarts',
		action: () => 'Install the new versions on every host at once, with services held back: each keeps running its old code until the next phase restarts it',
	},
	upgrade: {
		summary: 'services restarted onto the new versions, one host at a time',
		action: () =>
			'One host at a time (etcd members, the repository, the replicas, the leader after a switchover, the balancers with the VIP holder last): restart each service that runs older code than is installed, each member streaming again before the next host',
	},
	verify: {
		summary: 'the cluster proven end to end',
		action: answers =>
			`Prove it works: etcd health, one Patroni leader with streaming replicas, a write through ${answers.network.vip}:5000 read back through :5001${backupHost(answers) ? ', the backup listed' : ''}`,
	},
};

/**
 * The restart phase in one sentence: which of the answers' parameters need a
 * restart (known from the catalogue), and the order pgha restarts in.
 */
export function restartAction(answers: Answers): string {
	const postmaster = Object.keys(answers.postgresql?.parameters ?? {}).filter(needsRestart);
	const why = postmaster.length > 0 ? `${postmaster.join(', ')} need${postmaster.length === 1 ? 's' : ''} a restart when changed` : 'no parameter of the answers needs a restart; a setting left pending one (pg_settings.pending_restart) still does';
	return `Restart only the members whose running PostgreSQL waits for a changed setting (${why}): the replicas one at a time, each streaming again before the next, then a switchover to a healthy replica, then the former leader; nothing restarts when nothing waits`;
}

/** How a run on a live cluster orders its phases. */
export type ScheduleOptions = {
	/** The current Patroni leader: its replicas go first, one at a time, and it goes last. */
	leader?: string;
	/** Patroni's members now; a postgres host not among them is new and joins after the leader admits it. */
	members?: readonly string[];
	/** Only these hosts (the ones that answered); the others are reported, not guessed at. */
	reachable?: ReadonlySet<string>;
};

/**
 * One scheduled phase: its name, the hosts it touches, whether they go one at
 * a time, and the earlier phases it waits for as a whole. Besides those, a
 * host starts a phase only once it finished its own earlier phases, so a
 * phase may begin on some hosts while others still install packages.
 */
export type ScheduledPhase = {
	name: PhaseName;
	summary: string;
	action: string;
	hosts: string[];
	serial: boolean;
	after: PhaseName[];
	/** The host's later phases go on beside this one; only those that name it in `after` wait for it. */
	alongside?: true;
};

/**
 * What each phase needs finished on every host first (beyond each host's own
 * earlier phases): nothing changes anywhere before every host passed
 * preflight; Patroni needs etcd's quorum; a replica its leader; PgBouncer's
 * database the whole PostgreSQL cluster; the backup phase every host's SSH
 * identity (the packages phase), a running PostgreSQL and the repository's
 * config (prepare). The balancers need nothing of the others: HAProxy marks
 * servers up as they come. prepare runs alongside each host's next phases.
 */
const needs: Record<Exclude<PhaseName, 'verify' | 'restore-stop' | 'restore-backup' | (typeof uninstallPhases)[number] | (typeof upgradePhases)[number]>, PhaseName[]> = {
	// After the parameters reached Patroni (pgbouncer) and the first backup, which a restart would break off.
	restart: ['postgres-leader', 'postgres-replicas', 'pgbouncer', 'backup'],
	preflight: [],
	packages: ['preflight'],
	prepare: [],
	etcd: [],
	'postgres-leader': ['etcd'],
	'postgres-replicas': ['etcd', 'postgres-leader'],
	pgbouncer: ['prepare', 'postgres-leader', 'postgres-replicas'],
	balancers: [],
	backup: ['packages', 'prepare', 'postgres-leader', 'postgres-replicas'],
};

/**
 * Which hosts each phase touches, in order (verify excluded: it is not a host
 * phase). On a live cluster the replicas go one at a time before the leader,
 * and new nodes join after it. Pure.
 */
export function schedulePhases(answers: Answers, options: ScheduleOptions = {}): ScheduledPhase[] {
	const {leader, members = [], reachable} = options;
	const all = hostNames(answers.hosts);
	const postgres = hostNames(hostsWithRole(answers, 'postgres'));
	const backup = hostNames(hostsWithRole(answers, 'backup'));
	const live = leader !== undefined && postgres.includes(leader);
	const joining = postgres.filter(n => !members.includes(n));
	const preparing = all.filter(n => postgres.includes(n) || backup.includes(n));
	const phase = (name: keyof typeof needs, hosts: string[], serial = false, summary = described[name].summary): ScheduledPhase => ({
		name,
		summary,
		action: described[name].action(answers),
		hosts,
		serial,
		after: needs[name],
	});
	const postgresPhases = live
		? [
				phase('postgres-replicas', postgres.filter(n => n !== leader && !joining.includes(n)), true, 'Patroni replicas, one at a time'),
				{...phase('postgres-leader', [leader], false, 'the Patroni leader, after its replicas'), after: ['etcd', 'postgres-replicas'] as PhaseName[]},
				// New nodes clone once every member's pg_hba admits them.
				...(joining.length > 0 ? [phase('postgres-replicas', joining, false, 'new replicas clone from the latest backup')] : []),
			]
		: [phase('postgres-leader', postgres.slice(0, 1)), phase('postgres-replicas', postgres.slice(1))];
	const phases = [
		phase('preflight', all),
		phase('packages', all),
		{...phase('prepare', preparing), alongside: true as const},
		phase('etcd', hostNames(hostsWithRole(answers, 'etcd'))),
		...postgresPhases,
		// Serial: the nodes trust the repository before it creates the stanza over SSH. Before PgBouncer's phase, so
		// that a node waits only for its own trust there while the repository takes the first backup.
		...(backup.length > 0 ? [phase('backup', [...postgres.filter(n => !backup.includes(n)), ...backup], true)] : []),
		// On a live cluster PgBouncer restarts one node at a time.
		phase('pgbouncer', postgres, live),
		phase('balancers', hostNames(hostsWithRole(answers, 'balancer'))),
		// One member at a time, the leader last: its step hands the leader role over before it restarts.
		{...phase('restart', live ? [...postgres.filter(n => n !== leader), leader] : [...postgres.slice(1), ...postgres.slice(0, 1)], true), after: backup.length > 0 ? needs.restart : needs.restart.filter(n => n !== 'backup')},
	];
	if (!reachable) return phases;
	return phases.map(p => ({...p, hosts: p.hosts.filter(h => reachable.has(h))})).filter(p => p.hosts.length > 0);
}

/**
 * A restore's phases: the hosts converged as for an install (a wiped host
 * gets its packages and files back), the repository trusted, then writes
 * stopped, the leader restored and promoted, a fresh full backup, the
 * replicas re-created from it, and PgBouncer's roles and database as the
 * answers say (a restore to an older time brings older passwords back). Pure.
 */
export function scheduleRestore(answers: Answers, leader: string): ScheduledPhase[] {
	const all = hostNames(answers.hosts);
	const postgres = hostNames(hostsWithRole(answers, 'postgres'));
	const backup = hostNames(hostsWithRole(answers, 'backup'));
	const replicas = postgres.filter(n => n !== leader);
	const preparing = all.filter(n => postgres.includes(n) || backup.includes(n));
	const phase = (name: PhaseName, hosts: string[], after: PhaseName[], summary = described[name].summary, serial = false): ScheduledPhase => ({
		name,
		summary,
		action: described[name].action(answers),
		hosts,
		serial,
		after,
	});
	return [
		phase('preflight', all, []),
		phase('packages', all, ['preflight']),
		{...phase('prepare', preparing, []), alongside: true},
		phase('etcd', hostNames(hostsWithRole(answers, 'etcd')), []),
		// Serial as in an install: the nodes trust the repository before it reaches them; the running primary archives up to now here.
		phase('backup', [...postgres.filter(n => !backup.includes(n)), ...backup], ['packages', 'prepare'], 'SSH trust and the repository; WAL archived up to now', true),
		// Replicas first: a replica whose leader stops first could take over.
		phase('restore-stop', [...replicas, leader], ['backup'], described['restore-stop'].summary, true),
		phase('postgres-leader', [leader], ['etcd', 'restore-stop'], `${leader} restored from the backup and promoted; Patroni leads`),
		phase('restore-backup', backup, ['postgres-leader']),
		phase('postgres-replicas', replicas, ['restore-backup'], 'replicas re-created from the fresh backup'),
		phase('pgbouncer', postgres, ['prepare', 'postgres-leader', 'postgres-replicas']),
		phase('balancers', hostNames(hostsWithRole(answers, 'balancer')), []),
	];
}

/** The verify phase as the plan lists it: every host, after the others. */
export function verifyPhase(answers: Answers): ScheduledPhase {
	return {name: 'verify', summary: described.verify.summary, action: described.verify.action(answers), hosts: hostNames(answers.hosts), serial: false, after: [...phaseNames.filter(n => n !== 'verify' && !(uninstallPhases as readonly string[]).includes(n))]};
}

/**
 * An uninstall's phases: every reachable host stops what pgha runs (the VIP
 * first), then, once nothing needs etcd any more, takes pgha's packages and
 * files off. Pure.
 */
export function scheduleUninstall(answers: Answers, hosts: readonly string[]): ScheduledPhase[] {
	const phase = (name: (typeof uninstallPhases)[number], after: PhaseName[]): ScheduledPhase => ({
		name,
		summary: described[name].summary,
		action: described[name].action(answers),
		hosts: [...hosts],
		serial: false,
		after,
	});
	return [phase('uninstall-stop', []), phase('uninstall-remove', ['uninstall-stop'])];
}

/**
 * An upgrade's phases: preflight on every host, the new packages on every
 * host at once (nothing restarts), then the restarts one host at a time in the
 * order given (upgrade/order.ts decides it from who leads and who holds the
 * VIP). Pure.
 */
export function scheduleUpgrade(answers: Answers, order: readonly string[]): ScheduledPhase[] {
	const phase = (name: 'preflight' | (typeof upgradePhases)[number], hosts: string[], serial: boolean, after: PhaseName[]): ScheduledPhase => ({
		name,
		summary: described[name].summary,
		action: described[name].action(answers),
		hosts,
		serial,
		after,
	});
	return [phase('preflight', hostNames(answers.hosts), false, []), phase('upgrade-packages', [...order], false, ['preflight']), phase('upgrade', [...order], true, ['upgrade-packages'])];
}

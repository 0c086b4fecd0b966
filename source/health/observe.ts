import type {Answers} from '../answers/schema.js';
import {backupHost, hostsWithRole} from '../answers/hosts.js';
import type {HostConnection} from '../transport/ssh.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import type {HostRun} from '../../recipes/kit/step.js';
import {etcdMembers, type EtcdMember} from '../../recipes/etcd/probes.js';
import {haproxyServers} from '../../recipes/haproxy/probes.js';
import {vipHolders} from '../../recipes/keepalived/probes.js';
import {backupInfo} from '../../recipes/pgbackrest/probes.js';
import {repositoryFiles} from '../../recipes/pgbackrest/index.js';
import {parseDrillResult} from '../../recipes/pgbackrest/verify-script.js';
import {locations} from '../../recipes/kit/locations.js';
import {pgbouncerState} from '../../recipes/pgbouncer/probes.js';
import {patroniMembers, replicationRows, type ReplicationRow} from '../../recipes/postgres/probes.js';
import {etcdTls} from '../../recipes/etcd/probes.js';
import {postgresTls} from '../../recipes/postgres/render.js';
import {pgbouncerTls} from '../../recipes/pgbouncer/render.js';
import {haproxyTls} from '../../recipes/haproxy/render.js';
import {readCertificate} from '../keys/certificates.js';

/** The latest backup of one type, as status shows it. */
export type BackupSummary = {label: string; finishedAt: string; ageSeconds: number; sizeBytes: number};

/** The latest restore drill on the repository host (its last.json): when it ended, whether it passed, how long it took and what went wrong. */
export type RestoreDrillSummary = {at: string; ok: boolean; durationSeconds: number; restoreSeconds: number; problems: string[]};

/**
 * The cluster as its hosts report it now, read-only: what `pgha status --json`
 * prints, and what verify, status and repair judge with the same rules.
 */
export type ClusterStatus = {
	cluster: string;
	at: string;
	hosts: Array<{name: string; ip: string; roles: string[]; reachable: boolean; error?: string}>;
	postgres: Array<{member: string; role: string; state: string; timeline?: number; lagMb?: number}>;
	/** The leader's pg_stat_replication; absent when no leader answered. */
	replication?: ReplicationRow[];
	pgbouncer: Array<{host: string; poolMode: string; active: boolean}>;
	etcd: EtcdMember[];
	vip: {address: string; holder?: string; holders: string[]};
	haproxy: Array<{balancer: string; listener: string; server: string; status: string}>;
	backups?: {full?: BackupSummary; differential?: BackupSummary; incremental?: BackupSummary; count: number; status: string};
	/**
	 * The repository's backup schedule file (as the answers render it, different, or missing), whether cron
	 * runs it, and when the file was last written (since then it schedules the restore drill it names).
	 */
	schedule?: {path: string; state: 'installed' | 'different' | 'missing'; cronActive: boolean; writtenAt?: string};
	/** The latest restore drill; absent when the repository holds no result (or did not answer). */
	restoreDrill?: RestoreDrillSummary;
	/** Every certificate the services serve, by host and file, with when it expires; absent is unreadable. */
	certificates: Array<{host: string; path: string; notAfter?: string}>;
};

/** The certificate files a host's services present, from its roles. */
function certificatePaths(roles: readonly string[]): string[] {
	return [
		...(roles.includes('etcd') ? [etcdTls.cert] : []),
		...(roles.includes('postgres') ? [postgresTls.cert, pgbouncerTls.cert] : []),
		...(roles.includes('balancer') ? [haproxyTls.pem] : []),
	];
}

/** When each certificate on the reachable hosts expires; only the certificate block of a file is read (HAProxy's also holds the key). */
async function observeCertificates(answers: Answers, runOn: (host: string) => HostRun | undefined): Promise<ClusterStatus['certificates']> {
	const perHost = await Promise.all(
		answers.hosts
			.filter(h => runOn(h.name))
			.map(async host =>
				Promise.all(
					certificatePaths(host.roles).map(async path => {
						const out = await runOn(host.name)!(`sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' ${path} 2>/dev/null | sed '/-----END CERTIFICATE-----/q'`, {quiet: true, check: false});
						try {
							return {host: host.name, path, notAfter: readCertificate(out.stdout).notAfter.toISOString()};
						} catch {
							return {host: host.name, path};
						}
					}),
				),
			),
	);
	return perHost.flat();
}

const first = (answers: Answers, role: Parameters<typeof hostsWithRole>[1], runOn: (host: string) => HostRun | undefined) =>
	hostsWithRole(answers, role).find(h => runOn(h.name));

/** Patroni's members and, from the leader, its replicas' streaming state. */
async function observePostgres(answers: Answers, runOn: (host: string) => HostRun | undefined): Promise<Pick<ClusterStatus, 'postgres' | 'replication'>> {
	const node = first(answers, 'postgres', runOn);
	if (!node) return {postgres: []};
	const members = await patroniMembers(runOn(node.name)!);
	const postgres = members.map(m => ({
		member: m.Member,
		role: m.Role,
		state: m.State,
		...(m.TL !== undefined ? {timeline: Number(m.TL)} : {}),
		...(m['Lag in MB'] !== undefined && m['Lag in MB'] !== '' ? {lagMb: Number(m['Lag in MB'])} : {}),
	}));
	const leader = members.find(m => m.Role === 'Leader')?.Member;
	const onLeader = leader ? runOn(leader) : undefined;
	const replication = onLeader ? await replicationRows(onLeader).catch(() => undefined) : undefined;
	return {postgres, ...(replication ? {replication} : {})};
}

/** The repository's backups and schedule. */
async function observeBackups(answers: Answers, runOn: (host: string) => HostRun | undefined, now: number): Promise<Pick<ClusterStatus, 'backups' | 'schedule' | 'restoreDrill'>> {
	const repo = backupHost(answers);
	const run = repo && runOn(repo.name);
	if (!repo || !run) return {};
	const [schedule] = repositoryFiles(answers, repo).schedule;
	const [info, live, written, cron, drill] = await Promise.all([
		backupInfo(run, answers),
		schedule ? run(`cat ${schedule.path}`, {quiet: true, check: false}) : undefined,
		schedule ? run(`stat -c %Y ${schedule.path}`, {quiet: true, check: false}) : undefined,
		run('systemctl is-active --quiet cron', {quiet: true, check: false}),
		// Absent until the first drill ended.
		run(`cat ${locations.backupVerifyResult}`, {quiet: true, check: false}),
	]);
	const out: Pick<ClusterStatus, 'backups' | 'schedule' | 'restoreDrill'> = {};
	if (schedule && live) {
		const seconds = written?.code === 0 ? Number(written.stdout.trim()) : Number.NaN;
		out.schedule = {
			path: schedule.path,
			state: live.code !== 0 ? 'missing' : live.stdout === schedule.content ? 'installed' : 'different',
			cronActive: cron.code === 0,
			...(Number.isFinite(seconds) && seconds > 0 ? {writtenAt: new Date(seconds * 1000).toISOString()} : {}),
		};
	}
	const result = drill.code === 0 ? parseDrillResult(drill.stdout) : undefined;
	if (result) out.restoreDrill = {at: result.at, ok: result.ok, durationSeconds: result.durationSeconds, restoreSeconds: result.restoreSeconds, problems: result.problems};
	if (info) {
		const latest = (type: string): BackupSummary | undefined => {
			const b = info.backup.filter(x => x.type === type).at(-1);
			return b && {label: b.label, finishedAt: new Date(b.timestamp.stop * 1000).toISOString(), ageSeconds: Math.round(now / 1000 - b.timestamp.stop), sizeBytes: b.info.size};
		};
		out.backups = {count: info.backup.length, status: info.status.message};
		for (const [key, type] of [['full', 'full'], ['differential', 'diff'], ['incremental', 'incr']] as const) {
			const summary = latest(type);
			if (summary) out.backups[key] = summary;
		}
	}
	return out;
}

/** Gathers the live state of a cluster from the hosts that answer, all at once; a host that is down is reported, not guessed at. */
export async function observeCluster(answers: Answers, connections: ReadonlyMap<string, HostConnection>, unreachable: ReadonlyMap<string, string> = new Map(), now = Date.now()): Promise<ClusterStatus> {
	const runOn = peerRun(connections);
	const etcdHost = first(answers, 'etcd', runOn);
	const balancers = hostsWithRole(answers, 'balancer').filter(b => runOn(b.name));
	const [pg, pgbouncer, etcd, holders, haproxy, backups, certificates] = await Promise.all([
		observePostgres(answers, runOn),
		Promise.all(hostsWithRole(answers, 'postgres').filter(h => runOn(h.name)).map(async h => ({host: h.name, ...(await pgbouncerState(runOn(h.name)!))}))),
		etcdHost ? etcdMembers(runOn(etcdHost.name)!, answers) : Promise.resolve([]),
		vipHolders(answers, runOn),
		Promise.all(balancers.map(async b => (await haproxyServers(runOn(b.name)!)).map(server => ({balancer: b.name, ...server})))),
		observeBackups(answers, runOn, now),
		observeCertificates(answers, runOn),
	]);
	return {
		cluster: answers.cluster.name,
		at: new Date(now).toISOString(),
		hosts: answers.hosts.map(h => ({name: h.name, ip: h.ip, roles: h.roles, reachable: connections.has(h.name), ...(unreachable.has(h.name) ? {error: unreachable.get(h.name)} : {})})),
		...pg,
		pgbouncer,
		etcd,
		vip: {address: answers.network.vip, ...(holders[0] ? {holder: holders[0]} : {}), holders},
		haproxy: haproxy.flat(),
		...backups,
		certificates,
	};
}

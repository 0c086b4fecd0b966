import type {Answers} from '../answers/schema.js';
import type {HostConnection} from '../transport/ssh.js';
import {etcdctl} from '../../recipes/etcd.js';
import {backupInfo} from '../../recipes/backup.js';
import {haproxyServers, vipHolders} from '../../recipes/balancer.js';
import {patroniMembers} from '../../recipes/postgres.js';

/** The cluster at a glance, as `pgha status --json` prints it. */
export type ClusterStatus = {
	cluster: string;
	at: string;
	hosts: Array<{name: string; ip: string; roles: string[]; reachable: boolean; error?: string}>;
	postgres: Array<{member: string; role: string; state: string; timeline?: number; lagMb?: number}>;
	etcd: Array<{endpoint: string; healthy: boolean; leader: boolean; dbSizeBytes?: number; error?: string}>;
	vip: {address: string; holder?: string};
	haproxy: Array<{balancer: string; listener: string; server: string; status: string}>;
	backups?: {full?: BackupSummary; differential?: BackupSummary; incremental?: BackupSummary; count: number; status: string};
};

export type BackupSummary = {label: string; finishedAt: string; ageSeconds: number; sizeBytes: number};

const first = <T>(list: T[], pick: (item: T) => boolean) => list.find(pick);

/** Gathers the live state of a cluster from the hosts that answer; a host that is down is reported, not guessed at. */
export async function gatherStatus(answers: Answers, connections: Map<string, HostConnection>, unreachable: Map<string, string>, now = Date.now()): Promise<ClusterStatus> {
	const conn = (role: string) => first(answers.hosts, h => h.roles.includes(role as never) && connections.has(h.name));
	const status: ClusterStatus = {
		cluster: answers.cluster.name,
		at: new Date(now).toISOString(),
		hosts: answers.hosts.map(h => ({name: h.name, ip: h.ip, roles: h.roles, reachable: connections.has(h.name), ...(unreachable.has(h.name) ? {error: unreachable.get(h.name)} : {})})),
		postgres: [],
		etcd: [],
		vip: {address: answers.network.vip},
		haproxy: [],
	};
	const node = conn('postgres');
	if (node) {
		status.postgres = (await patroniMembers(connections.get(node.name)!)).map(m => ({
			member: m.Member,
			role: m.Role,
			state: m.State,
			...(m.TL !== undefined ? {timeline: Number(m.TL)} : {}),
			...(m['Lag in MB'] !== undefined && m['Lag in MB'] !== '' ? {lagMb: Number(m['Lag in MB'])} : {}),
		}));
	}
	const etcdHost = conn('etcd');
	if (etcdHost) {
		const c = connections.get(etcdHost.name)!;
		const health = await c.run(etcdctl(answers, 'endpoint health -w json'), {check: false});
		const state = await c.run(etcdctl(answers, 'endpoint status -w json'), {check: false});
		const healthList = safeJson<Array<{endpoint: string; health: boolean; error?: string}>>(health.stdout) ?? [];
		const statusList = safeJson<Array<{Endpoint: string; Status: {header: {member_id: number}; leader: number; dbSize: number}}>>(state.stdout) ?? [];
		status.etcd = answers.hosts
			.filter(h => h.roles.includes('etcd'))
			.map(h => {
				const endpoint = `http://${h.ip}:2379`;
				const healthy = healthList.find(e => e.endpoint === endpoint);
				const st = statusList.find(e => e.Endpoint === endpoint);
				return {
					endpoint,
					healthy: healthy?.health === true,
					leader: st !== undefined && st.Status.header.member_id === st.Status.leader,
					...(st ? {dbSizeBytes: st.Status.dbSize} : {}),
					...(healthy?.error ? {error: healthy.error} : {}),
				};
			});
	}
	const holder = (await vipHolders(answers, connections))[0];
	if (holder) status.vip.holder = holder;
	for (const balancer of answers.hosts.filter(h => h.roles.includes('balancer') && connections.has(h.name)))
		for (const server of await haproxyServers(connections.get(balancer.name)!)) status.haproxy.push({balancer: balancer.name, ...server});
	const repo = conn('backup');
	if (repo) {
		const info = await backupInfo(connections.get(repo.name)!, answers).catch(() => undefined);
		if (info) {
			const latest = (type: string): BackupSummary | undefined => {
				const b = info.backup.filter(x => x.type === type).at(-1);
				return b && {label: b.label, finishedAt: new Date(b.timestamp.stop * 1000).toISOString(), ageSeconds: Math.round(now / 1000 - b.timestamp.stop), sizeBytes: b.info.size};
			};
			status.backups = {count: info.backup.length, status: info.status.message};
			for (const [key, type] of [['full', 'full'], ['differential', 'diff'], ['incremental', 'incr']] as const) {
				const summary = latest(type);
				if (summary) status.backups[key] = summary;
			}
		}
	}
	return status;
}

function safeJson<T>(text: string): T | undefined {
	try {
		return JSON.parse(text) as T;
	} catch {
		return undefined;
	}
}

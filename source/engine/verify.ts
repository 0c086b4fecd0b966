import type {Answers} from '../answers/schema.js';
import {RemoteCommandError, type HostConnection} from '../transport/ssh.js';
import {shQuote} from '../transport/quote.js';
import type {EventSink} from './events.js';
import {etcdctl} from '../../recipes/etcd.js';
import {backupInfo, pgbackrest} from '../../recipes/backup.js';
import {haproxyServers, vipHolders} from '../../recipes/balancer.js';
import {waitFor} from '../../recipes/managed-file.js';
import {patroniMembers, psql} from '../../recipes/postgres.js';
import {renderHostFiles} from '../render/index.js';
import {hostsWithRole} from '../render/topology.js';

type Check = {name: string; run: () => Promise<string>};


/**
 * Runs a client command on a PostgreSQL node as the database owner, with the
 * password in a 0600 pgpass file that lives only for the command.
 */
export async function asOwner(conn: HostConnection, answers: Answers, target: string, sql: string): Promise<string> {
	const {name, owner} = answers.database;
	const pgpass = `*:*:*:${owner}:${answers.passwords.app.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`;
	const script = `set -e; f=$(mktemp); trap 'rm -f "$f"' EXIT; cat > "$f"
PGPASSFILE="$f" PGCONNECT_TIMEOUT=5 psql -X -A -t -q -v ON_ERROR_STOP=1 ${shQuote(`${target} user=${owner} dbname=${name}`)} -c ${shQuote(sql)}`;
	return (await conn.run(script, {stdin: pgpass})).stdout.trim();
}

/** Why a check failed: the error, and for a remote command its last lines of output. */
function failureEvidence(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	if (!(error instanceof RemoteCommandError)) return error.message;
	const last = `${error.result.stdout}\n${error.result.stderr}`.split('\n').filter(line => line.trim() !== '').slice(-3);
	return [error.message, ...last].join(': ');
}

/**
 * Proves the cluster works end to end; each check emits pass or fail with its
 * evidence. Returns true when every check passed.
 */
export async function verifyCluster(answers: Answers, connections: Map<string, HostConnection>, emit: EventSink): Promise<boolean> {
	const conn = (name: string) => connections.get(name)!;
	const etcd = hostsWithRole(answers, 'etcd');
	const nodes = hostsWithRole(answers, 'postgres');
	const repo = hostsWithRole(answers, 'backup')[0];
	const vip = answers.network.vip;
	const first = conn(nodes[0]!.name);
	const checks: Check[] = [
		{
			name: 'etcd healthy on all members',
			run: async () => {
				const out = await conn(etcd[0]!.name).run(etcdctl(answers, 'endpoint health -w json'), {check: false});
				const health = JSON.parse(out.stdout || '[]') as Array<{endpoint: string; health: boolean; took?: string; error?: string}>;
				const healthy = health.filter(e => e.health);
				if (healthy.length !== etcd.length) throw new Error(`${healthy.length}/${etcd.length} healthy: ${health.filter(e => !e.health).map(e => `${e.endpoint} ${e.error ?? ''}`).join('; ')}`);
				return `${healthy.length}/${etcd.length} healthy (${health.map(e => `${e.endpoint} ${e.took ?? ''}`.trim()).join(', ')})`;
			},
		},
		{
			name: 'Patroni: one leader, replicas streaming with no lag',
			run: async () => {
				let summary = '';
				await waitFor('replicas to stream with no lag', async () => {
					const leaders = (await patroniMembers(first)).filter(m => m.Role === 'Leader');
					summary = `leaders: ${leaders.map(m => m.Member).join(', ') || 'none'}`;
					if (leaders.length !== 1) return false;
					// Patroni 3.0 reports replicas as "running"; the leader's pg_stat_replication says whether they stream.
					const rows = (await psql(conn(leaders[0]!.Member), 'select application_name, state, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1) from pg_stat_replication order by 1;')).stdout.trim();
					const replicas = rows ? rows.split('\n').map(line => line.split('|')) : [];
					summary = `${leaders[0]!.Member} leader; ${replicas.map(([name, state, lag]) => `${name} ${state} lag ${lag} bytes`).join('; ') || 'no replica connected'}`;
					return replicas.length === nodes.length - 1 && replicas.every(([, state, lag]) => state === 'streaming' && lag === '0');
				}, 60_000).catch(error => {
					throw new Error(`${(error as Error).message}: ${summary}`);
				});
				return summary;
			},
		},
		{
			name: `write through ${vip}:5000, read back through ${vip}:5001`,
			run: async () => {
				const marker = `verify-${Date.now()}`;
				await asOwner(first, answers, `host=${vip} port=5000`, `create table if not exists pgha_verify (id bigserial primary key, note text not null, at timestamptz not null default now())`);
				const id = await asOwner(first, answers, `host=${vip} port=5000`, `insert into pgha_verify (note) values ('${marker}') returning id`);
				let seen = '';
				await waitFor('the row to reach a replica', async () => {
					seen = await asOwner(first, answers, `host=${vip} port=5001`, `select pg_is_in_recovery() || ' ' || count(*) from pgha_verify where note = '${marker}'`);
					return seen === 'true 1';
				}, 30_000);
				return `row ${id} written on the primary, read on a replica (in recovery: ${seen.split(' ')[0]})`;
			},
		},
		{
			name: `PgBouncer pool mode ${answers.pgbouncer.poolMode}`,
			run: async () => {
				const modes = await Promise.all(
					nodes.map(async n => (await conn(n.name).run("sed -n 's/^pool_mode *= *//p' /etc/pgbouncer/pgbouncer.ini; systemctl is-active pgbouncer")).stdout.trim().replace('\n', ' ')),
				);
				if (!modes.every(m => m === `${answers.pgbouncer.poolMode} active`)) throw new Error(modes.join('; '));
				return nodes.map((n, i) => `${n.name}: ${modes[i]}`).join('; ');
			},
		},
		{
			name: 'HAProxy: leader up on 5000, replicas up on 5001',
			run: async () => {
				let evidence = '';
				// HAProxy marks a server up after two passing checks, a few seconds after a change.
				await waitFor('HAProxy to see the leader and every replica up', async () => {
					const holder = (await vipHolders(answers, connections))[0];
					if (!holder) {
						evidence = `no balancer holds ${vip}`;
						return false;
					}
					const servers = await haproxyServers(conn(holder));
					const up = (listener: string) => servers.filter(s => s.listener === listener && s.status.startsWith('UP')).map(s => s.server);
					evidence = `${holder} holds the VIP; 5000 -> ${up('primary').join(',') || 'none'}; 5001 -> ${up('replicas').join(',') || 'none'}`;
					return up('primary').length === 1 && up('replicas').length === nodes.length - 1;
				}, 30_000, 1_000).catch(() => {
					throw new Error(evidence);
				});
				return evidence;
			},
		},
	];
	if (repo)
		checks.push(
			{
				name: 'pgBackRest check (archiving works)',
				run: async () => {
					await conn(repo.name).run(pgbackrest(answers, 'check'), {timeoutMs: 300_000});
					return 'archive-push and backup configuration verified';
				},
			},
			{
				name: 'pgBackRest lists a full backup',
				run: async () => {
					const info = await backupInfo(conn(repo.name), answers);
					const full = info?.backup.filter(b => b.type === 'full') ?? [];
					if (full.length === 0) throw new Error(`no full backup (${info?.status.message ?? 'no stanza'})`);
					return `${full.length} full, latest ${full.at(-1)!.label}; ${info!.backup.length} backups in all`;
				},
			},
			{
				name: 'backup schedule installed on the repository',
				run: async () => {
					const cron = renderHostFiles(answers, repo.name, {interface: 'eth0'}).find(f => f.path.startsWith('/etc/cron.d/'))!;
					const live = await conn(repo.name).readFile(cron.path);
					if (live !== cron.content) throw new Error(`${cron.path} is ${live === undefined ? 'missing' : 'different from the answers'}`);
					return `${cron.path}: ${cron.content.split('\n').filter(l => /^[0-9*@]/.test(l)).length} schedules`;
				},
			},
		);
	let ok = true;
	for (const check of checks) {
		try {
			emit({type: 'check', name: check.name, ok: true, evidence: await check.run(), at: Date.now()});
		} catch (error) {
			ok = false;
			emit({type: 'check', name: check.name, ok: false, evidence: failureEvidence(error), at: Date.now()});
		}
	}
	return ok;
}

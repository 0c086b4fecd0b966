import YAML from 'yaml';
import type {HostRun} from '../kit/step.js';
import {locations} from '../kit/locations.js';
import {shQuote} from '../../source/transport/quote.js';

/** patronictl with this node's configuration, given up after this many seconds (a restart waits for PostgreSQL). */
export function patronictlWithin(seconds: number): string {
	return `timeout ${seconds} patronictl -c ${locations.patroniConfig}`;
}

/** patronictl with this node's configuration. It retries etcd without end when it cannot reach it (a bad certificate, no quorum): every call gives up after 20 s. */
export const patronictl = patronictlWithin(20);

/** One Patroni member as `patronictl list -f json` reports it; Patroni 3.0 marks a member waiting for a restart with "Pending restart": "*". */
export type PatroniMember = {Member: string; Role: string; State: string; TL?: number; 'Lag in MB'?: number | string; 'Pending restart'?: string};

/** The role `patronictl list` gives the replica that confirms each commit in synchronous mode (Patroni 3.0); the others stay "Replica". */
export const syncStandbyRole = 'Sync Standby';

/**
 * A GET on this node's Patroni REST API, as its own configuration names it
 * (HTTPS, checked against the cluster CA). A few tens of milliseconds where
 * patronictl takes half a second of Python start-up: what every check and
 * status read uses while the node's Patroni runs.
 */
export const patroniApiGet = (path: string) =>
	`python3 -c ${shQuote(
		[
			'import ssl, sys, urllib.request, yaml',
			`api = yaml.safe_load(open(${JSON.stringify(locations.patroniConfig)}))["restapi"]`,
			'tls = ssl.create_default_context(cafile=api["cafile"])',
			`sys.stdout.write(urllib.request.urlopen("https://" + api["connect_address"] + ${JSON.stringify(path)}, context=tls, timeout=5).read().decode())`,
		].join('\n'),
	)}`;

/** One member as Patroni's REST API (GET /cluster) reports it. */
type ApiMember = {name: string; role: string; state: string; timeline?: number; lag?: number | string; pending_restart?: boolean};

const roleNames: Record<string, string> = {leader: 'Leader', replica: 'Replica', sync_standby: syncStandbyRole, standby_leader: 'Standby Leader'};

/** The API's members in patronictl's words (Role "Leader", lag in MB), so every reader sees one shape. Pure. */
export function membersFromApi(text: string): PatroniMember[] | undefined {
	try {
		const parsed = JSON.parse(text) as {members?: ApiMember[]};
		if (!Array.isArray(parsed.members)) return undefined;
		return parsed.members.map(m => ({
			Member: m.name,
			Role: roleNames[m.role] ?? m.role,
			State: m.state,
			...(m.timeline !== undefined ? {TL: m.timeline} : {}),
			...(m.lag !== undefined ? {'Lag in MB': typeof m.lag === 'number' ? Math.round(m.lag / 1_048_576) : m.lag} : {}),
			...(m.pending_restart ? {'Pending restart': '*'} : {}),
		}));
	} catch {
		return undefined;
	}
}

/**
 * Patroni's view of the cluster, from any PostgreSQL node; empty when Patroni
 * does not answer. Through the node's REST API, or straight from etcd
 * (patronictl) when that API does not answer or `fromDcs` asks for it: a
 * failover drill reads the DCS itself, not what one member last saw.
 */
export async function patroniMembers(run: HostRun, options: {fromDcs?: boolean} = {}): Promise<PatroniMember[]> {
	if (!options.fromDcs) {
		const api = await run(patroniApiGet('/cluster'), {quiet: true, check: false});
		const members = api.code === 0 ? membersFromApi(api.stdout) : undefined;
		if (members) return members;
	}
	const result = await run(`${patronictl} list -f json`, {quiet: true, check: false});
	if (result.code !== 0) return [];
	try {
		return JSON.parse(result.stdout || '[]') as PatroniMember[];
	} catch {
		return [];
	}
}

/** Runs SQL as the local postgres superuser over the socket, the SQL on stdin. */
export function psql(run: HostRun, sql: string, database = 'postgres') {
	return run(`cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d ${database}`, {stdin: sql, quiet: true});
}

/** One replica as the leader's pg_stat_replication sees it. */
export type ReplicationRow = {name: string; state: string; lagBytes: number};

/**
 * The leader's view of its replicas. Patroni 3.0 reports replicas as
 * "running", so whether they stream, and how far behind, is read here.
 */
export async function replicationRows(run: HostRun): Promise<ReplicationRow[]> {
	const out = (await psql(run, 'select application_name, state, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1) from pg_stat_replication order by 1;')).stdout.trim();
	return out ? out.split('\n').map(line => line.split('|')).map(([name = '', state = '', lag = '-1']) => ({name, state, lagBytes: Number(lag)})) : [];
}

/** True when this node's PostgreSQL is the primary (not in recovery). */
export async function isPrimary(run: HostRun): Promise<boolean> {
	return (await psql(run, 'select pg_is_in_recovery();')).stdout.trim() === 'f';
}

/**
 * The cluster's dynamic configuration as Patroni keeps it in etcd
 * (`patronictl show-config`, YAML); an empty mapping when nothing is set.
 */
export async function patroniDynamicConfig(run: HostRun): Promise<Record<string, unknown>> {
	// The REST API's GET /config is the same mapping, as JSON (which YAML reads), without patronictl's start-up.
	const api = await run(patroniApiGet('/config'), {quiet: true, check: false});
	const out = api.code === 0 && api.stdout.trim().startsWith('{') ? api.stdout : (await run(`${patronictl} show-config`, {quiet: true})).stdout;
	const parsed: unknown = YAML.parse(out);
	if (parsed === null || parsed === undefined) return {};
	if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`patronictl show-config printed no mapping: ${out.trim().slice(0, 200)}`);
	return parsed as Record<string, unknown>;
}

/** One parameter as this node's running PostgreSQL reports it in pg_settings. */
export type RunningSetting = {name: string; setting: string; pendingRestart: boolean};

/**
 * The running value of the named parameters, and every parameter whose
 * changed value waits for a restart (pg_settings.pending_restart); undefined
 * when PostgreSQL does not answer here.
 */
export async function runningSettings(run: HostRun, names: readonly string[]): Promise<RunningSetting[] | undefined> {
	const list = names.map(name => `'${name.toLowerCase().replace(/'/g, "''")}'`).join(', ');
	const result = await run(`cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres`, {
		stdin: `select name, pending_restart, setting from pg_settings where pending_restart${list ? ` or lower(name) in (${list})` : ''} order by 1;`,
		quiet: true,
		check: false,
	});
	if (result.code !== 0) return undefined;
	return result.stdout
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [name = '', pending = 'f', ...setting] = line.split('|');
			return {name, pendingRestart: pending === 't', setting: setting.join('|')};
		});
}

/**
 * The Debian version of the PostgreSQL server running here, as version()
 * names it ("PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on ..."); undefined
 * when PostgreSQL does not answer or was not built by Debian.
 */
export async function runningServerBuild(run: HostRun): Promise<string | undefined> {
	const result = await run('cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres', {stdin: 'select version();', quiet: true, check: false});
	if (result.code !== 0) return undefined;
	return /\(Debian ([^)\s]+)\)/.exec(result.stdout)?.[1];
}

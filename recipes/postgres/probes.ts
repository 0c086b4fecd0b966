import YAML from 'yaml';
import type {HostRun} from '../kit/step.js';
import {locations} from '../kit/locations.js';

/** patronictl with this node's configuration. It retries etcd without end when it cannot reach it (a bad certificate, no quorum): every call gives up after 20 s. */
export const patronictl = `timeout 20 patronictl -c ${locations.patroniConfig}`;

/** One Patroni member as `patronictl list -f json` reports it. */
export type PatroniMember = {Member: string; Role: string; State: string; TL?: number; 'Lag in MB'?: number | string};

/** The role `patronictl list` gives the replica that confirms each commit in synchronous mode (Patroni 3.0); the others stay "Replica". */
export const syncStandbyRole = 'Sync Standby';

/** Patroni's view of the cluster, from any PostgreSQL node; empty when Patroni does not answer. */
export async function patroniMembers(run: HostRun): Promise<PatroniMember[]> {
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
	const out = (await run(`${patronictl} show-config`, {quiet: true})).stdout;
	const parsed: unknown = YAML.parse(out);
	if (parsed === null || parsed === undefined) return {};
	if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`patronictl show-config printed no mapping: ${out.trim().slice(0, 200)}`);
	return parsed as Record<string, unknown>;
}

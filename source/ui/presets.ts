import type {DurabilityMode, NoReplicaMode, Role, RtoPreset} from '../answers/schema.js';
import {compactLayout, seedLayout} from '../answers/layouts.js';
import {rtoPresets} from '../answers/ha-timing.js';

/** A starting set of hosts the person then edits. */
export type LayoutId = 'seed' | 'compact' | 'custom';

/** One host of a layout before it has an address. */
export type PresetHost = {name: string; roles: Role[]};

/** The layouts offered on the cluster step, in the order shown. */
export const layouts: ReadonlyArray<{id: LayoutId; label: string; detail: string; hosts: PresetHost[]}> = [
	{
		id: 'seed',
		label: 'Separate roles: 9 hosts',
		detail: 'postgres1-3 (PostgreSQL, Patroni, PgBouncer), etcd1-3, haproxy1-2 (HAProxy, Keepalived), pgbackrestRepo',
		hosts: [...seedLayout],
	},
	{
		id: 'compact',
		label: 'Compact: 3 hosts',
		detail: 'node1-3 each run PostgreSQL and etcd; node1-2 balance and hold the VIP; node3 keeps the backups',
		hosts: [...compactLayout],
	},
	{id: 'custom', label: 'Custom', detail: 'start with no hosts and add each one with its roles', hosts: []},
];

/** Words for each role, used in the host table and the review. */
export const roleLabels: Record<Role, string> = {
	postgres: 'postgres',
	etcd: 'etcd',
	balancer: 'balancer',
	backup: 'backup',
};

/** What each role runs, for headings and the topology drawing. */
export const roleServices: Record<Role, string> = {
	postgres: 'PostgreSQL + Patroni + PgBouncer',
	etcd: 'etcd',
	balancer: 'HAProxy + Keepalived',
	backup: 'pgBackRest repository',
};

/** The name a new host of a role gets: the seed's names, numbered. */
export const roleHostPrefix: Record<Role, string> = {
	postgres: 'postgres',
	etcd: 'etcd',
	balancer: 'haproxy',
	backup: 'pgbackrestRepo',
};

/** A backup schedule preset. */
export type BackupPresetId = 'weekly' | 'daily' | 'custom';

/** The backup schedules offered, in the order shown. */
export const backupPresets: ReadonlyArray<{id: BackupPresetId; label: string; full: string; differential: string}> = [
	{id: 'weekly', label: 'Full on Sunday 01:00, differential Monday to Saturday 01:00', full: '0 1 * * 0', differential: '0 1 * * 1-6'},
	{id: 'daily', label: 'Full every day at 01:00', full: '0 1 * * *', differential: ''},
	{id: 'custom', label: 'Custom cron schedule', full: '', differential: ''},
];

/** A choice on the failover step: its label and, below it, what it costs. */
export type CostedChoice<Id extends string> = {id: Id; label: string; cost: string};

/** How commits are acknowledged, in the order shown. */
export const durabilityChoices: ReadonlyArray<CostedChoice<DurabilityMode>> = [
	{
		id: 'async',
		label: 'Asynchronous: a commit returns once the leader has it',
		cost: 'the fastest commits; writes of the last moment before a crash of the leader can be lost',
	},
	{
		id: 'synchronous',
		label: 'Synchronous: each commit waits for a replica',
		cost: 'a little slower commits (a round trip to a replica); no acknowledged write is lost when the leader dies',
	},
];

/** What synchronous commits do when no replica is left, in the order shown. */
export const noReplicaChoices: ReadonlyArray<CostedChoice<NoReplicaMode>> = [
	{id: 'wait', label: 'Writes wait until a replica returns', cost: 'nothing acknowledged can be lost, but writes stop while no replica runs'},
	{id: 'continue', label: 'Writes go on unprotected', cost: 'writes never stop, but those made while no replica runs are lost if the leader then dies'},
];

const rto = (id: RtoPreset, label: string, risk: string): CostedChoice<RtoPreset> => ({
	id,
	label,
	cost: `writes back in about ${rtoPresets[id].worstCaseSeconds} s after a crash of the leader; ${risk}`,
});

/** The failover speeds, in the order shown, each with its expected worst case and what it risks. */
export const rtoChoices: ReadonlyArray<CostedChoice<RtoPreset>> = [
	rto('fast', 'Fast', `but a network blip of ${rtoPresets.fast.patroni.retryTimeout} s can cause a failover`),
	rto('normal', 'Normal', `a network blip of ${rtoPresets.normal.patroni.retryTimeout} s can cause a failover (Patroni's own defaults)`),
	rto('safe', 'Safe', `rides out network blips shorter than ${rtoPresets.safe.patroni.retryTimeout} s without a failover`),
];

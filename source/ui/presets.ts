import type {Role} from '../answers/schema.js';
import {compactLayout, seedLayout} from '../answers/layouts.js';

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

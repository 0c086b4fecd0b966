import type {Role} from './schema.js';

/** A host of a named layout, before it has an address. */
export type LayoutHost = {name: string; roles: Role[]};

/** The seed documents' nine hosts: every role on its own servers. */
export const seedLayout: readonly LayoutHost[] = [
	{name: 'postgres1', roles: ['postgres']},
	{name: 'postgres2', roles: ['postgres']},
	{name: 'postgres3', roles: ['postgres']},
	{name: 'etcd1', roles: ['etcd']},
	{name: 'etcd2', roles: ['etcd']},
	{name: 'etcd3', roles: ['etcd']},
	{name: 'haproxy1', roles: ['balancer']},
	{name: 'haproxy2', roles: ['balancer']},
	{name: 'pgbackrestRepo', roles: ['backup']},
];

/** Three hosts that each run etcd and PostgreSQL; two balance, one keeps the backups. */
export const compactLayout: readonly LayoutHost[] = [
	{name: 'node1', roles: ['postgres', 'etcd', 'balancer']},
	{name: 'node2', roles: ['postgres', 'etcd', 'balancer']},
	{name: 'node3', roles: ['postgres', 'etcd', 'backup']},
];

/**
 * The seed's separate roles at a larger size: fifteen hosts, seven PostgreSQL
 * nodes, five etcd members (they tolerate two failures), the two balancers and
 * the repository; named as the seed names its hosts.
 */
export const largeLayout: readonly LayoutHost[] = [
	...numbered('postgres', 7, 'postgres'),
	...numbered('etcd', 5, 'etcd'),
	...numbered('haproxy', 2, 'balancer'),
	{name: 'pgbackrestRepo', roles: ['backup']},
];

function numbered(prefix: string, count: number, role: Role): LayoutHost[] {
	return Array.from({length: count}, (_, i) => ({name: `${prefix}${i + 1}`, roles: [role]}));
}

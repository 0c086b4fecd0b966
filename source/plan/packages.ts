import type {HostAnswers, Role} from '../answers/schema.js';

/**
 * Debian 12 packages each role needs. python3-etcd is listed although patroni
 * depends on it only as one of several alternatives: its etcd3 module imports it.
 * procps gives Keepalived's check its pgrep.
 */
export const rolePackages: Record<Role, string[]> = {
	etcd: ['etcd-server', 'etcd-client'],
	postgres: ['postgresql-15', 'postgresql-client-15', 'patroni', 'python3-psycopg2', 'python3-etcd', 'pgbouncer', 'pgbackrest', 'openssh-client'],
	balancer: ['haproxy', 'keepalived', 'procps'],
	backup: ['pgbackrest', 'cron', 'openssh-client', 'postgresql-client-15'],
};

/** Every package a host needs, sorted and unique. */
export function packagesFor(host: HostAnswers): string[] {
	return [...new Set(host.roles.flatMap(role => rolePackages[role]))].sort();
}

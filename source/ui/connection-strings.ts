import type {Answers} from '../answers/schema.js';

/** How clients reach the cluster, each with what it is for. */
export type ConnectionString = {label: string; url: string};

/**
 * The connection strings of a cluster: through the VIP (HAProxy picks the
 * leader on :5000 and a replica on :5001), and libpq multi-host through
 * PgBouncer on every PostgreSQL node, for clients that should not depend on the VIP.
 */
export function connectionStrings(answers: Pick<Answers, 'hosts' | 'network' | 'database'>): ConnectionString[] {
	const {owner, name} = answers.database;
	const vip = answers.network.vip;
	const nodes = answers.hosts
		.filter(host => host.roles.includes('postgres'))
		.map(host => `${host.ip}:6432`)
		.join(',');
	return [
		{label: 'read-write, through the VIP', url: `postgresql://${owner}@${vip}:5000/${name}`},
		{label: 'read-only, through the VIP', url: `postgresql://${owner}@${vip}:5001/${name}`},
		{label: 'read-write, libpq multi-host (PgBouncer)', url: `postgresql://${owner}@${nodes}/${name}?target_session_attrs=read-write`},
		{label: 'reads, libpq multi-host (PgBouncer)', url: `postgresql://${owner}@${nodes}/${name}?target_session_attrs=prefer-standby`},
	];
}

import type {Answers} from '../answers/schema.js';
import {connectionStrings as plannedStrings} from '../plan/plan.js';

/** How clients reach the cluster, each with what it is for. */
export type ConnectionString = {label: string; url: string};

/**
 * The connection strings of a cluster, labelled for the done screen: through the
 * VIP (HAProxy picks the leader on :5000 and a replica on :5001), and libpq
 * multi-host through PgBouncer on every PostgreSQL node.
 */
export function connectionStrings(answers: Pick<Answers, 'hosts' | 'network' | 'database'>): ConnectionString[] {
	const strings = plannedStrings(answers);
	return [
		{label: 'read-write, through the VIP', url: strings.readWrite},
		{label: 'read-only, through the VIP', url: strings.readOnly},
		{label: 'read-write, libpq multi-host (PgBouncer)', url: strings.libpqReadWrite},
		{label: 'reads, libpq multi-host (PgBouncer)', url: strings.libpqReadOnly},
	];
}

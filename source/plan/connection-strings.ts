import type {Answers} from '../answers/schema.js';
import {connectionStrings} from './plan.js';

/** How clients reach the cluster, with what each way is for. */
export type LabelledConnectionString = {label: string; url: string};

/**
 * The plan's connection strings, labelled for people: through the VIP (HAProxy
 * picks the leader on :5000 and a replica on :5001), and libpq multi-host
 * through PgBouncer on every PostgreSQL node.
 */
export function labelledConnectionStrings(answers: Pick<Answers, 'hosts' | 'network' | 'database'>): LabelledConnectionString[] {
	const strings = connectionStrings(answers);
	return [
		{label: 'read-write, through the VIP', url: strings.readWrite},
		{label: 'read-only, through the VIP', url: strings.readOnly},
		{label: 'read-write, libpq multi-host (PgBouncer)', url: strings.libpqReadWrite},
		{label: 'reads, libpq multi-host (PgBouncer)', url: strings.libpqReadOnly},
	];
}

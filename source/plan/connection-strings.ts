import type {Answers} from '../answers/schema.js';
import {hostsWithRole} from '../answers/hosts.js';
import {ports} from '../../recipes/kit/locations.js';

/** How applications connect: through the VIP, or with libpq's own failover through PgBouncer when client networks are listed. */
export type ConnectionStrings = {
	readWrite: string;
	readOnly: string;
	libpqReadWrite?: string;
	libpqReadOnly?: string;
};

/**
 * The connection strings applications use; the password is never part of
 * them. Every one checks the server's certificate against the cluster CA
 * (`caFile`) and its name (verify-full: PgBouncer's certificate names the VIP).
 */
export function connectionStrings(answers: Pick<Answers, 'hosts' | 'network' | 'database'>, caFile = 'ca.crt'): ConnectionStrings {
	const {name, owner} = answers.database;
	const {vip} = answers.network;
	const tls = `sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile).replace(/%2F/g, '/')}`;
	const bouncers = hostsWithRole(answers, 'postgres').map(h => `${h.ip}:${ports.pgbouncer}`).join(',');
	return {
		readWrite: `postgresql://${owner}@${vip}:${ports.readWrite}/${name}?${tls}`,
		readOnly: `postgresql://${owner}@${vip}:${ports.readOnly}/${name}?${tls}`,
		// PgBouncer admits direct clients only from the networks the answers list.
		...(answers.network.clientNetworks.length > 0
			? {
					libpqReadWrite: `postgresql://${owner}@${bouncers}/${name}?target_session_attrs=read-write&${tls}`,
					libpqReadOnly: `postgresql://${owner}@${bouncers}/${name}?target_session_attrs=prefer-standby&${tls}`,
				}
			: {}),
	};
}

/** How clients reach the cluster, with what each way is for. */
export type LabelledConnectionString = {label: string; url: string};

/**
 * The plan's connection strings, labelled for people: through the VIP (HAProxy
 * picks the leader on :5000 and a replica on :5001), and libpq multi-host
 * through PgBouncer on every PostgreSQL node.
 */
export function labelledConnectionStrings(answers: Pick<Answers, 'hosts' | 'network' | 'database'>, caFile?: string): LabelledConnectionString[] {
	const strings = connectionStrings(answers, caFile);
	return [
		{label: 'read-write, through the VIP', url: strings.readWrite},
		{label: 'read-only, through the VIP', url: strings.readOnly},
		...(strings.libpqReadWrite ? [{label: 'read-write, libpq multi-host (PgBouncer)', url: strings.libpqReadWrite}] : []),
		...(strings.libpqReadOnly ? [{label: 'reads, libpq multi-host (PgBouncer)', url: strings.libpqReadOnly}] : []),
	];
}

import type {HostAnswers} from '../../source/answers/schema.js';
import type {Answers} from '../../source/answers/schema.js';
import {certificateNames, hostKeys, type ClusterKeys} from '../../source/keys/cluster-keys.js';
import type {ManagedFile} from './managed-file.js';

/** Where one service finds the CA, its certificate and its key. */
export type TlsPaths = {ca: string; cert: string; key: string};

/** The three files of a TLS directory: ca.crt, NAME.crt and NAME.key. */
export function tlsPaths(dir: string, name: string): TlsPaths {
	return {ca: `${dir}/ca.crt`, cert: `${dir}/${name}.crt`, key: `${dir}/${name}.key`};
}

/**
 * The CA, the host's certificate and its key for one service, owned by the
 * service's user (the key 0600): services reload to pick up a renewed one.
 */
export function tlsFiles(
	answers: Answers,
	host: HostAnswers,
	keys: ClusterKeys,
	paths: TlsPaths,
	owner: {user: string; group: string; service: string},
): ManagedFile[] {
	const pair = hostKeys(keys, host.name);
	const common = {owner: owner.user, group: owner.group, service: owner.service, onChange: 'reload' as const};
	return [
		{...common, path: paths.ca, mode: 0o644, content: keys.caCert, secret: false},
		{...common, path: paths.cert, mode: 0o644, content: pair.cert, secret: false, certificate: {caCert: keys.caCert, names: certificateNames(answers, host)}},
		{...common, path: paths.key, mode: 0o600, content: pair.key, secret: true},
	];
}

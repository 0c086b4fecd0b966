import type {CertificateNames} from '../../source/keys/certificates.js';
import type {ClusterKeys} from '../../source/keys/cluster-keys.js';

/**
 * One file pgha owns on a host: where it goes, who owns it, and its full text.
 * Files under /etc/systemd/system need `systemctl daemon-reload` before the
 * affected service is restarted.
 */
export type ManagedFile = {
	path: string;
	owner: string;
	group: string;
	/** Permission bits, e.g. 0o600. */
	mode: number;
	content: string;
	/** True when the content holds a password or key: never log, print or diff it. */
	secret: boolean;
	/** The systemd unit that reads this file. */
	service?: string;
	/** What the unit needs after the file changed. */
	onChange?: 'reload' | 'restart' | 'none';
	/** For a certificate: the CA and names it must carry, so a drift report says why it is wrong. */
	certificate?: {caCert: string; names: CertificateNames};
};

/** What the renderers need to know about a host that the answers may not say. */
export type RenderFacts = {
	/** The network interface that carries the host's address (and the VIP on balancers). */
	interface: string;
	/** The cluster's CA, host certificates and salts. */
	keys: ClusterKeys;
};

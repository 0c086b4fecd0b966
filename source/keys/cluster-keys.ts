import type {Answers, HostAnswers} from '../answers/schema.js';
import type {CertificateNames, KeyPair} from './certificates.js';

/**
 * The key material of one cluster that answers do not hold: the CA every host
 * trusts, each host's certificate and key, and the SCRAM salts. Renderers take
 * it as an input, so rendering stays pure; it is made and kept beside the
 * saved cluster (source/keys/store.ts). The CA's private key is never here:
 * it stays on the machine that runs pgha.
 */
export type ClusterKeys = {
	/** The cluster CA's certificate (PEM). */
	caCert: string;
	/** Each host's certificate and private key, by host name. */
	hosts: Record<string, KeyPair>;
	/** Random SCRAM salts (base64), by PostgreSQL role name. */
	scramSalts: Record<string, string>;
};

/** Days before expiry at which pgha renews a certificate and `repair --check` reports it. */
export const renewWithinDays = 30;

/** How long a host certificate pgha issues is valid. */
export const hostCertificateDays = 730;

/**
 * What one host's certificate names: its host name and address; on
 * PostgreSQL nodes also the VIP, because clients reach their PgBouncer through
 * it and check the name with sslmode=verify-full, and localhost, because
 * Patroni and PgBouncer reach the node's own PostgreSQL there, checking it too.
 */
export function certificateNames(answers: Answers, host: HostAnswers): CertificateNames {
	const postgres = host.roles.includes('postgres');
	const ips = [host.ip, ...(postgres ? [answers.network.vip, '127.0.0.1'] : [])];
	return {dns: [host.name, ...(postgres ? ['localhost'] : [])], ips: [...new Set(ips)]};
}

/** The material of one host, or an error naming what is missing (a bug: keys are prepared for every host before rendering). */
export function hostKeys(keys: ClusterKeys, host: string): KeyPair {
	const pair = keys.hosts[host];
	if (!pair) throw new Error(`no certificate was prepared for ${host}`);
	return pair;
}

/**
 * Material of the right shape holding nothing, for what lists files without
 * their text (the plan): the real keys are made only by a run.
 */
export function placeholderKeys(answers: Answers): ClusterKeys {
	return {
		caCert: '',
		hosts: Object.fromEntries(answers.hosts.map(h => [h.name, {cert: '', key: ''}])),
		scramSalts: {[answers.database.owner]: 'cGxhY2Vob2xkZXI='},
	};
}

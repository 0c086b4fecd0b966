import {certificateProblems} from '../../source/keys/certificates.js';
import {renewWithinDays} from '../../source/keys/cluster-keys.js';
import type {ManagedFile} from './managed-file.js';

/**
 * Why the certificate a host holds is not the cluster's, for a drift report:
 * missing, not from the cluster CA, naming the wrong host, or expiring within
 * 30 days. Only the certificate block of the file is read (a PEM may also hold the key).
 */
export async function certificateDrift(file: ManagedFile, live: string | undefined): Promise<string[]> {
	if (!file.certificate) return [];
	if (live === undefined) return [`the certificate ${file.path} is missing`];
	const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(live)?.[0];
	if (!block) return [`${file.path} holds no certificate`];
	const problems = await certificateProblems(block, file.certificate.caCert, file.certificate.names, renewWithinDays);
	return problems.map(problem => `the certificate ${file.path} ${problem}`);
}

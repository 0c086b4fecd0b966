import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Answers} from '../../source/answers/schema.js';
import {createCa, issueCertificate, type KeyPair} from '../../source/keys/certificates.js';
import {certificateNames, hostCertificateDays, type ClusterKeys} from '../../source/keys/cluster-keys.js';
import {keysDir, writePrivateFile} from '../../source/keys/store.js';
import type {RenderFacts} from '../../recipes/kit/managed-file.js';
import {run} from '../recipes/tool-helpers.js';

/** A cluster's key material as a test holds it: the keys renderers take, and the CA's key that signed them. */
export type TestKeys = {ca: KeyPair; keys: ClusterKeys};

const made = new Map<string, Promise<TestKeys>>();

/** What the material depends on: the cluster, each host's name, address and roles, the VIP (PostgreSQL nodes' certificates name it) and the owner (its salt). */
function cacheKey(answers: Answers): string {
	return JSON.stringify([answers.cluster.name, answers.network.vip, answers.database.owner, answers.hosts.map(h => [h.name, h.ip, [...h.roles].sort()])]);
}

async function make(answers: Answers): Promise<TestKeys> {
	const ca = await createCa(answers.cluster.name);
	const hosts: ClusterKeys['hosts'] = {};
	for (const host of answers.hosts) hosts[host.name] = await issueCertificate(ca, host.name, certificateNames(answers, host), hostCertificateDays);
	return {ca, keys: {caCert: ca.cert, hosts, scramSalts: {[answers.database.owner]: randomBytes(16).toString('base64')}}};
}

/**
 * Real key material for a cluster's answers: a CA from createCa and one
 * certificate per host from issueCertificate, named as the install names
 * them, and a random salt for the owner. Made once per cluster and host list,
 * so the same answers give the same files across a test file.
 */
export function testKeys(answers: Answers): Promise<TestKeys> {
	const key = cacheKey(answers);
	let keys = made.get(key);
	if (!keys) {
		keys = make(answers);
		made.set(key, keys);
	}
	return keys;
}

/** The ClusterKeys renderers and runs take, for these answers. */
export async function clusterKeys(answers: Answers): Promise<ClusterKeys> {
	return (await testKeys(answers)).keys;
}

/** What a renderer learns of a host: the interface preflight would find and the cluster's keys. */
export async function renderFacts(answers: Answers, iface = 'eth0'): Promise<RenderFacts> {
	return {interface: iface, keys: await clusterKeys(answers)};
}

/**
 * Writes the test material where prepareKeys keeps a cluster's keys in this
 * PGHA_HOME (the CA with its key, each host's pair, the salts), so a run there
 * reuses it: what a previous install left.
 */
export async function keepKeys(answers: Answers, env: {PGHA_HOME: string}): Promise<string> {
	const {ca, keys} = await testKeys(answers);
	const dir = keysDir(answers.cluster.name, env);
	writePrivateFile(join(dir, 'ca.key'), ca.key);
	writePrivateFile(join(dir, 'ca.crt'), ca.cert, 0o644);
	for (const [host, pair] of Object.entries(keys.hosts)) {
		writePrivateFile(join(dir, 'hosts', `${host}.key`), pair.key);
		writePrivateFile(join(dir, 'hosts', `${host}.crt`), pair.cert, 0o644);
	}
	writePrivateFile(join(dir, 'scram-salts.json'), `${JSON.stringify(keys.scramSalts, null, 2)}\n`);
	return dir;
}

/**
 * An operator's own CA as openssl makes one (RSA, with the usual CA
 * extensions), written to `dir` as ca.pem and ca.key; undefined without openssl.
 */
export async function opensslCa(dir: string, openssl: string | undefined): Promise<{certFile: string; keyFile: string; cert: string} | undefined> {
	if (!openssl) return undefined;
	const certFile = join(dir, 'ca.pem');
	const keyFile = join(dir, 'ca.key');
	const made = await run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Company Root CA', '-days', '30', '-keyout', keyFile, '-out', certFile]);
	if (made.code !== 0) throw new Error(`openssl could not make a CA: ${made.stderr}`);
	return {certFile, keyFile, cert: readFileSync(certFile, 'utf8')};
}

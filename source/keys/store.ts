import {randomBytes, randomUUID} from 'node:crypto';
import {existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {Answers, AnswersInput} from '../answers/schema.js';
import {clusterEnv} from '../answers/store.js';
import {passwordWithSymbol} from '../answers/passwords.js';
import {UserError} from '../errors.js';
import {pghaHome} from '../paths.js';
import {certificateProblems, createCa, issueCertificate, keyMatches, type KeyPair} from './certificates.js';
import {certificateNames, hostCertificateDays, renewWithinDays, type ClusterKeys} from './cluster-keys.js';

/** Where a cluster's key material is kept: beside its saved answers, 0700. */
export function keysDir(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
	return join(pghaHome(env), 'clusters', `${cluster}.keys`);
}

/** The cluster CA's certificate file clients use (sslrootcert), made or named by the answers. */
export function caCertPath(answers: Answers, env: NodeJS.ProcessEnv = process.env): string {
	return answers.tls?.caCert ?? join(keysDir(answers.cluster.name, env), 'ca.crt');
}

/**
 * Writes a file only its owner reads without following a link at its path: a
 * new file is made beside it (O_EXCL refuses an existing name, link or not)
 * and renamed over the old one, which replaces a link instead of writing through it.
 */
export function writePrivateFile(path: string, content: string, mode = 0o600): void {
	const dir = dirname(path);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	if (lstatSync(dir).isSymbolicLink()) throw new UserError(`${dir} is a symbolic link; pgha keeps keys only in a real directory`);
	const temporary = join(dir, `.${randomUUID()}.tmp`);
	writeFileSync(temporary, content, {mode, flag: 'wx'});
	renameSync(temporary, path);
}

// Text files end with one newline, however they were written (an operator's CA file may not).
const readIfThere = (path: string) => (existsSync(path) && !lstatSync(path).isSymbolicLink() ? `${readFileSync(path, 'utf8').trimEnd()}\n` : undefined);

/** What preparing the key material did, for the run's log (never a key). */
export type KeyChanges = string[];

/**
 * Options of one preparation: when it is (tests move the clock), and whether
 * every host certificate is issued anew from the same CA even where the kept
 * one still fits (`pgha rotate certificates`).
 */
export type PrepareOptions = {now?: Date; reissue?: boolean};

/**
 * The material a run uses, and what it made that is not kept yet: `save`
 * keeps it (an apply, once the hosts were checked); a dry run or a drift
 * check never calls it, so what it would renew shows as a certificate that differs.
 */
export type PreparedKeys = {keys: ClusterKeys; changes: KeyChanges; caIsNew: boolean; save: () => void};

async function loadCa(answers: Answers, dir: string, changes: KeyChanges, pending: Array<() => void>, now?: Date): Promise<KeyPair> {
	if (answers.tls) {
		const read = (path: string, field: string) => {
			try {
				return `${readFileSync(path, 'utf8').trimEnd()}\n`;
			} catch {
				throw new UserError(`tls.${field} ${path} cannot be read; check the path`);
			}
		};
		return {cert: read(answers.tls.caCert, 'caCert'), key: read(answers.tls.caKey, 'caKey')};
	}
	const cert = readIfThere(join(dir, 'ca.crt'));
	const key = readIfThere(join(dir, 'ca.key'));
	if (cert && key) return {cert, key};
	const ca = await createCa(answers.cluster.name, now);
	changes.push(`made the cluster CA ${join(dir, 'ca.crt')}`);
	pending.push(() => {
		writePrivateFile(join(dir, 'ca.key'), ca.key);
		writePrivateFile(join(dir, 'ca.crt'), ca.cert, 0o644);
	});
	return ca;
}

/**
 * The cluster's key material, made where missing and renewed where it no
 * longer fits: a host certificate is issued again when it is missing, was not
 * signed by the CA, does not name the host's current names, or expires within
 * 30 days; with reissue, every one is issued again from the same CA (rotation).
 * Nothing is written until the caller saves: a dry run, a drift check or a
 * rotation's plan renews in memory only, so the run reports it.
 */
export async function prepareKeys(answers: Answers, env: NodeJS.ProcessEnv, options: PrepareOptions): Promise<PreparedKeys> {
	const dir = keysDir(answers.cluster.name, env);
	const changes: KeyChanges = [];
	const pending: Array<() => void> = [];
	const ca = await loadCa(answers, dir, changes, pending, options.now);
	const hosts: ClusterKeys['hosts'] = {};
	for (const host of answers.hosts) {
		const names = certificateNames(answers, host);
		const certFile = join(dir, 'hosts', `${host.name}.crt`);
		const keyFile = join(dir, 'hosts', `${host.name}.key`);
		const cert = readIfThere(certFile);
		const key = readIfThere(keyFile);
		const problems = cert && key ? await certificateProblems(cert, ca.cert, names, renewWithinDays, options.now) : ['is missing'];
		if (!options.reissue && cert && key && problems.length === 0 && (await keyMatches(cert, key))) {
			hosts[host.name] = {cert, key};
			continue;
		}
		const pair = await issueCertificate(ca, host.name, names, hostCertificateDays, options.now);
		hosts[host.name] = pair;
		const why = options.reissue ? 'rotated' : `the kept one ${problems.join('; ') || 'did not match its key'}`;
		changes.push(`issued a certificate for ${host.name} (${why})`);
		pending.push(() => {
			writePrivateFile(keyFile, pair.key);
			writePrivateFile(certFile, pair.cert, 0o644);
		});
	}
	const saltsFile = join(dir, 'scram-salts.json');
	const kept = JSON.parse(readIfThere(saltsFile) ?? '{}') as Record<string, string>;
	const scramSalts = {...kept};
	for (const role of [answers.database.owner]) scramSalts[role] ??= randomBytes(16).toString('base64');
	if (Object.keys(scramSalts).length !== Object.keys(kept).length) {
		changes.push('made a random SCRAM salt for the database owner');
		pending.push(() => writePrivateFile(saltsFile, `${JSON.stringify(scramSalts, null, 2)}\n`));
	}
	const caIsNew = changes.some(c => c.startsWith('made the cluster CA'));
	return {keys: {caCert: ca.cert, hosts, scramSalts}, changes, caIsNew, save: () => pending.forEach(write => write())};
}

/**
 * Fills in the passwords pgha generates when the answers leave them out (the
 * HAProxy stats password): the one saved with the cluster, else a new one,
 * which the install then saves like the others.
 */
export function completeAnswers(answers: Answers, raw: AnswersInput, env: NodeJS.ProcessEnv): {answers: Answers; raw: AnswersInput} {
	if (answers.passwords.haproxyStats) return {answers, raw};
	const saved = clusterEnv(answers.cluster.name, env)['PGHA_HAPROXY_STATS_PASSWORD'];
	const haproxyStats = saved && !saved.includes("'") && saved.length >= 12 ? saved : passwordWithSymbol(24);
	return {
		answers: {...answers, passwords: {...answers.passwords, haproxyStats}},
		raw: {...raw, passwords: {...raw.passwords, haproxyStats}} as AnswersInput,
	};
}

/** Removes a cluster's key material (with its saved answers). */
export function removeKeys(cluster: string, env: NodeJS.ProcessEnv = process.env): void {
	rmSync(keysDir(cluster, env), {recursive: true, force: true});
}

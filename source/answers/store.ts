import {mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync} from 'node:fs';
import {join} from 'node:path';
import Conf from 'conf';
import YAML from 'yaml';
import {clustersDir, hasCluster, listClusters} from './cluster-names.js';
import {answersJsonSchema, type AnswersInput} from './schema.js';
import {validateAnswers, type LoadResult} from './load.js';
import {separateSecrets} from './secrets.js';

export {hasCluster, listClusters};

type Stored = {answers: AnswersInput; savedAt: string};

// conf validates what it stores against the answer schema itself; only the
// password values are relaxed, because the store holds ${VAR} references there.
// PostgreSQL's parameters (a string, number or boolean each) are checked by the zod schema on every load.
function storeSchema() {
	const json = answersJsonSchema() as {properties: Record<string, unknown>};
	const properties = {...json.properties, passwords: {type: 'object', additionalProperties: {type: 'string'}}, postgresql: {type: 'object'}};
	return {answers: {type: 'object', properties}, savedAt: {type: 'string'}} as const;
}

// One store per cluster file for the process: conf compiles the schema for each instance (a tenth of a second),
// and reads the file at every access, so a kept instance never serves stale answers.
const opened = new Map<string, Conf<Stored>>();

function open(name: string, env: NodeJS.ProcessEnv): Conf<Stored> {
	const key = join(clustersDir(env), name);
	const known = opened.get(key);
	if (known) return known;
	const store = new Conf<Stored>({
		projectName: 'pgha',
		cwd: clustersDir(env),
		configName: name,
		configFileMode: 0o600,
		clearInvalidConfig: false,
		schema: storeSchema() as never,
		// What is saved is what was answered: a default written into the store would pin it (a preset could no longer change it).
		ajvOptions: {useDefaults: false},
	});
	opened.set(key, store);
	return store;
}

function secretsFile(name: string, env: NodeJS.ProcessEnv): string {
	return join(clustersDir(env), `${name}.secrets.json`);
}

/**
 * Saves a cluster's answers (0600), keeping literal secrets apart in a
 * second 0600 file so the answers themselves can be shared.
 */
export function saveCluster(raw: AnswersInput, env: NodeJS.ProcessEnv = process.env): void {
	const {shareable, secrets} = separateSecrets(raw);
	const name = raw.cluster.name;
	mkdirSync(clustersDir(env), {recursive: true, mode: 0o700});
	open(name, env).set({answers: shareable, savedAt: new Date().toISOString()});
	const file = secretsFile(name, env);
	const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
	writeFileSync(file, `${JSON.stringify({...previous, ...secrets}, null, 2)}\n`, {mode: 0o600});
	chmodSync(file, 0o600);
}

/** The shareable answers of a saved cluster (secrets as ${VAR} references). */
export function readCluster(name: string, env: NodeJS.ProcessEnv = process.env): AnswersInput | undefined {
	if (!hasCluster(name, env)) return undefined;
	return withoutStoredDefaults(open(name, env).get('answers'));
}

/**
 * Earlier versions saved every default with the answers, Patroni's timing
 * among them (ttl 30, loop_wait 10, retry_timeout 10), which would now pin
 * it over the ha.rto preset. Those values are exactly the normal preset's, so
 * dropping them from a cluster on that preset changes nothing it runs with.
 */
function withoutStoredDefaults(answers: AnswersInput | undefined): AnswersInput | undefined {
	const patroni = answers?.patroni;
	if (!answers || !patroni || (answers.ha?.rto ?? 'normal') !== 'normal') return answers;
	if (patroni.ttl !== 30 || patroni.loopWait !== 10 || patroni.retryTimeout !== 10) return answers;
	const {ttl: _ttl, loopWait: _loopWait, retryTimeout: _retryTimeout, ...rest} = patroni;
	return {...answers, patroni: rest};
}

/** The environment a saved cluster's ${VARIABLE} references resolve in: its secrets file over the process's. */
export function clusterEnv(name: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const file = secretsFile(name, env);
	const secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
	return {...env, ...secrets};
}

/** A saved cluster's answers, secrets resolved from its secrets file, then the environment. */
export function loadCluster(name: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
	const answers = readCluster(name, env);
	if (!answers) return {ok: false, problems: [{path: '--cluster', message: `no saved cluster "${name}"; saved: ${listClusters(env).join(', ') || 'none'}`}]};
	return validateAnswers(answers, clusterEnv(name, env));
}

/** YAML of a saved cluster's answers without its secrets, for sharing or another machine. */
export function exportCluster(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
	const answers = readCluster(name, env);
	if (!answers) return undefined;
	return `# pgha answers for cluster ${name}; secrets are \${VARIABLE} references: export them before install.\n${YAML.stringify(answers)}`;
}

/** The host key fingerprints a saved cluster has recorded, by host name (none when it is not saved). */
export function savedHostKeys(name: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
	return readCluster(name, env)?.ssh?.hostKeys ?? {};
}

/**
 * Records host key fingerprints for a saved cluster, in its answers'
 * ssh.hostKeys (where savedHostKeys reads them): keys first seen, or a key
 * the person accepted in place of the recorded one (`pgha trust-host`).
 */
export function recordHostKeys(name: string, keys: Record<string, string>, env: NodeJS.ProcessEnv = process.env): void {
	const store = open(name, env);
	const answers = store.get('answers');
	if (!answers) return;
	store.set('answers', {...answers, ssh: {...answers.ssh, hostKeys: {...answers.ssh?.hostKeys, ...keys}}});
}

/** Removes a saved cluster and its secrets. */
export function removeCluster(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
	if (!hasCluster(name, env)) return false;
	rmSync(join(clustersDir(env), `${name}.json`), {force: true});
	rmSync(secretsFile(name, env), {force: true});
	return true;
}

/** Drops hosts' recorded keys from a saved cluster: hosts that left it (`pgha remove-node`). */
export function forgetHostKeys(name: string, hosts: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
	const store = open(name, env);
	const answers = store.get('answers');
	if (!answers?.ssh?.hostKeys) return;
	const hostKeys = Object.fromEntries(Object.entries(answers.ssh.hostKeys).filter(([host]) => !hosts.includes(host)));
	store.set('answers', {...answers, ssh: {...answers.ssh, hostKeys}});
}

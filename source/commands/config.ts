import YAML from 'yaml';
import {needsRestart} from '../answers/pg-parameters.js';
import {validateAnswers} from '../answers/load.js';
import {formatProblems} from '../answers/problem.js';
import type {AnswersInput} from '../answers/schema.js';
import {secretFields} from '../answers/secrets.js';
import {clusterEnv, listClusters, readCluster, saveCluster} from '../answers/store.js';
import {UsageError, exitCodes} from '../errors.js';
import type {Command, Flags, Io} from './context.js';

type Bag = Record<string, unknown>;

const parametersPrefix = 'postgresql.parameters.';

/**
 * A dotted key as a path into the answers: `pgbouncer.defaultPoolSize`, and
 * `postgresql.parameters.NAME`, where NAME may itself hold dots
 * (pg_stat_statements.max). Pure.
 */
export function keyPath(key: string): string[] {
	if (key.startsWith(parametersPrefix) && key.length > parametersPrefix.length) return ['postgresql', 'parameters', key.slice(parametersPrefix.length)];
	return key.split('.');
}

/** Why `config set` will not change a key, or undefined when it may. Pure. */
export function refusedKey(key: string): string | undefined {
	const path = keyPath(key);
	if (path.some(part => part === '')) return `${key} is not a key; write it dotted, e.g. pgbouncer.defaultPoolSize or postgresql.parameters.shared_buffers`;
	if (path[0] === 'passwords' || secretFields.some(f => f.path.join('.') === key) || /password|cipher/i.test(path.at(-1)!))
		return `${key} is a secret, never given on a command line: run \`pgha rotate password NAME\` (superuser, replication, app, patroniApi, haproxyStats)`;
	if (key === 'ssh.hostKeys' || key.startsWith('ssh.hostKeys.')) return `${key} is recorded by pgha at each first connection; run \`pgha trust-host NAME\` after a host was reinstalled`;
	if (path[0] === 'hosts') return `hosts are not set one key at a time; run \`pgha add-replica\` for a new node, or export, edit and import the answers`;
	if (key === 'cluster.name') return 'cluster.name names the saved cluster and its Patroni scope; it cannot change';
	if (key === 'version') return 'version is the answer file\'s format; it cannot change';
	return undefined;
}

/** A value from the command line as the answers hold it: true/false as booleans, plain numbers as numbers, the rest as text. Pure. */
export function parseValue(text: string): string | number | boolean {
	if (text === 'true' || text === 'false') return text === 'true';
	if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) return Number(text);
	return text;
}

function getPath(bag: unknown, path: readonly string[]): unknown {
	let node = bag;
	for (const part of path) {
		if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
		node = (node as Bag)[part];
	}
	return node;
}

/** The answers with one key set (or removed, for undefined), leaving the rest as they were. Pure. */
export function withKey(raw: AnswersInput, path: readonly string[], value: unknown): AnswersInput {
	const copy = structuredClone(raw) as unknown as Bag;
	let node = copy;
	for (const part of path.slice(0, -1)) {
		if (node[part] === null || typeof node[part] !== 'object' || Array.isArray(node[part])) node[part] = {};
		node = node[part] as Bag;
	}
	if (value === undefined) delete node[path.at(-1)!];
	else node[path.at(-1)!] = value;
	return copy as unknown as AnswersInput;
}

/**
 * Stand-ins for secrets kept in the environment rather than with the
 * cluster: config set checks the other answers with them and never saves them.
 */
const secretPlaceholders: Record<string, string> = Object.fromEntries(secretFields.map(f => [f.variable, f.variable === 'PGHA_VRRP_PASSWORD' ? 'Pl4=ce/h' : 'Placeholder-Secret-Value-9']));

const isSecretPath = (path: string) => path.startsWith('passwords') || secretFields.some(f => f.path.join('.') === path);

const show = (value: unknown) => (value === undefined ? 'unset' : typeof value === 'string' ? value : JSON.stringify(value));

function savedName(flags: Flags, io: Io): string {
	const saved = listClusters(io.env);
	const name = flags.cluster ?? (saved.length === 1 ? saved[0] : undefined);
	if (!name) throw new UsageError(saved.length === 0 ? 'no saved cluster; run `pgha install` or `pgha answers import FILE` first' : `several saved clusters (${saved.join(', ')}); pass --cluster NAME`);
	if (!saved.includes(name)) throw new UsageError(`no saved cluster "${name}"; saved: ${saved.join(', ') || 'none'}`);
	return name;
}

/** What applying a changed key does to PostgreSQL, in words. */
function restartNote(path: readonly string[]): string {
	if (path[0] === 'packages' && path[1] === 'versions')
		return /^postgresql-\d+$/.test(path[2] ?? '')
			? 'the new server runs after a rolling restart (replicas one at a time, a switchover, the former leader); `pgha upgrade` also restarts every other service onto new versions, one host at a time'
			: 'a service of the package keeps running the installed version until it restarts; `pgha upgrade` moves the cluster one host at a time';
	if (path[0] !== 'postgresql') return 'PostgreSQL does not restart for it';
	if (path.length === 3 && needsRestart(path[2]!)) return `${path[2]} needs a restart: the run ends with a rolling restart, replicas one at a time, then a switchover, then the former leader`;
	return 'a reload, nothing restarts';
}

/**
 * `pgha config set KEY VALUE | unset KEY | get KEY | show [--cluster NAME]`:
 * reads and edits a saved cluster's answers by dotted key. A change is
 * checked with the whole answers (exit 2, nothing saved, when they would be
 * invalid) and takes effect at the next `pgha install --cluster NAME`.
 */
export const config: Command = async (args, flags, io) => {
	const [action, key, ...rest] = args;
	const usage = 'config set KEY VALUE | config unset KEY | config get KEY | config show [--cluster NAME]';
	if (action === 'show') {
		if (key !== undefined) throw new UsageError(`config show takes no key (got "${args.slice(1).join(' ')}"); use config get KEY`);
		const name = savedName(flags, io);
		io.out(`# pgha answers of cluster ${name}; secrets are \${VARIABLE} references\n${YAML.stringify(readCluster(name, io.env))}`);
		return exitCodes.ok;
	}
	if (action !== 'set' && action !== 'get' && action !== 'unset') throw new UsageError(`usage: pgha ${usage}`);
	if (!key) throw new UsageError(`config ${action} needs a KEY, e.g. postgresql.parameters.shared_buffers or pgbouncer.defaultPoolSize`);
	const wantedArgs = action === 'set' ? 1 : 0;
	if (rest.length !== wantedArgs)
		throw new UsageError(action === 'set' ? `config set ${key} needs one VALUE${rest.length > 1 ? ` (got ${rest.length}; quote a value with spaces)` : ''}` : `config ${action} takes one KEY (got "${args.slice(1).join(' ')}")`);
	const path = keyPath(key);
	const name = savedName(flags, io);
	const raw = readCluster(name, io.env)!;
	if (action === 'get') {
		if (path[0] === 'passwords' || secretFields.some(f => f.path.join('.') === key)) throw new UsageError(`${key} is a secret; pgha never prints it`);
		const given = getPath(raw, path);
		// A key the answers leave out shows the value in effect, the default.
		const loaded = given === undefined ? validateAnswers(raw, {...secretPlaceholders, ...clusterEnv(name, io.env)}) : undefined;
		const value = given ?? (loaded?.ok ? getPath(loaded.answers, path) : undefined);
		const text = value !== null && typeof value === 'object' ? YAML.stringify(value).trimEnd() : show(value);
		io.out(given === undefined && value !== undefined ? `${text} (default)` : text);
		return exitCodes.ok;
	}
	const refused = refusedKey(key);
	if (refused) throw new UsageError(refused);
	const before = getPath(raw, path);
	const env = {...secretPlaceholders, ...clusterEnv(name, io.env)};
	const given = action === 'set' ? rest[0]! : undefined;
	const candidates = given === undefined ? [undefined] : [...new Set([parseValue(given), given])];
	let chosen: {raw: AnswersInput; value: unknown} | undefined;
	let problems: Array<{path: string; message: string}> = [];
	for (const value of candidates) {
		const next = withKey(raw, path, value);
		const result = validateAnswers(next, env);
		// A secret the environment does not give now is no problem of the key being set.
		const wrong = result.ok ? [] : result.problems.filter(p => !isSecretPath(p.path));
		if (wrong.length === 0) {
			chosen = {raw: next, value};
			break;
		}
		if (problems.length === 0) problems = wrong;
	}
	if (!chosen) throw new UsageError(`${key} ${given === undefined ? 'cannot be removed' : `cannot be ${show(given)}`}; nothing was saved:\n${formatProblems(problems)}`);
	if (JSON.stringify(before) === JSON.stringify(chosen.value)) {
		io.out(`config: ${key} is already ${show(before)}; nothing changed`);
		return exitCodes.ok;
	}
	saveCluster(chosen.raw, io.env);
	io.out(`config: ${key} ${show(before)} -> ${chosen.value === undefined ? 'removed' : show(chosen.value)}`);
	io.out(`pgha: saved with cluster ${name}; \`pgha install --cluster ${name}\` applies it; ${restartNote(path)}.`);
	return exitCodes.ok;
};

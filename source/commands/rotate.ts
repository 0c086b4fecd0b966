import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {EngineEvent, EventSink} from '../app/events.js';
import {validateAnswers} from '../answers/load.js';
import {passwordWithSymbol} from '../answers/passwords.js';
import {formatProblems} from '../answers/problem.js';
import type {Answers, AnswersInput} from '../answers/schema.js';
import {secretFields} from '../answers/secrets.js';
import {saveCluster} from '../answers/store.js';
import {applyCluster, type RunResult} from '../engine/install.js';
import {UsageError, exitCodes} from '../errors.js';
import {readCertificate} from '../keys/certificates.js';
import {placeholderKeys} from '../keys/cluster-keys.js';
import {completeAnswers, keysDir, prepareKeys} from '../keys/store.js';
import {pghaHome} from '../paths.js';
import {fileChanges, serviceActions, type FileChange} from '../plan/changes.js';
import type {Command, Flags, Io} from './context.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

/** The passwords `pgha rotate password` changes, and what else learns the new one besides the files that hold it. */
export const rotatablePasswords = {
	superuser: 'the role postgres gets a new SCRAM verifier on the primary',
	replication: 'the role replicator gets a new SCRAM verifier on the primary; the replicas keep streaming and use the new password when they next connect',
	app: "the database owner gets the new SCRAM verifier on the primary; PgBouncer's userlist holds the same one",
	patroniApi: "Patroni's REST API asks for the new password on its unsafe endpoints",
	haproxyStats: "HAProxy's stats page asks for the new password",
} as const;

/** A password pgha rotates. */
export type RotatablePassword = keyof typeof rotatablePasswords;

// Why the other two are refused, and what to do instead: the message of exit 2.
const refused: Record<string, string> = {
	vrrp:
		'pgha does not rotate the VRRP password: the balancers would take it one after the other, and while their passwords differ each ignores the others and more than one holds the VIP. ' +
		'Change it in a maintenance window: stop keepalived on every balancer that does not hold the VIP, set passwords.vrrp (pgha answers export, edit, pgha answers import), then `pgha install --cluster NAME`',
	backupCipher:
		'pgha does not rotate the backup cipher: the backups and WAL already in the repository stay encrypted with it, so a new cipher needs a new pgBackRest repository. ' +
		'Keep it; if it must change, set up a new repository for the cluster with the new cipher and take a full backup there',
};

const usage = 'pass what to rotate: `pgha rotate password NAME` (NAME one of superuser, replication, app, patroniApi, haproxyStats) or `pgha rotate certificates`';

/**
 * `pgha rotate password NAME [--stdin]` and `pgha rotate certificates`, on a
 * saved cluster: show what changes, ask (or --yes), save the new secret or
 * certificates with the cluster, then converge through the same steps as
 * install and repair. Services reload; nothing restarts.
 */
export const rotate: Command = async (args, flags, io) => {
	const [what, ...rest] = args;
	if (what === 'password') return rotatePassword(rest, flags, io);
	if (what === 'certificates') {
		if (rest.length > 0) throw new UsageError(`rotate certificates takes no argument (got ${rest.length}); run \`pgha rotate certificates [--cluster NAME]\``);
		return rotateCertificates(flags, io);
	}
	throw new UsageError(what ? `cannot rotate "${what}"; ${usage}` : usage);
};

/** The password name, refused with the reason and the fix when pgha does not rotate it. Never echoes an extra argument: it may be a password. */
function passwordName(args: string[]): RotatablePassword {
	const [name, ...extra] = args;
	if (extra.length > 0)
		throw new UsageError(
			'rotate password takes the name only: a password on the command line ends up in the shell history and the process list. Let pgha generate one, or pipe it in: `... | pgha rotate password NAME --stdin --yes`',
		);
	if (!name) throw new UsageError(`rotate password needs the password's name: one of ${Object.keys(rotatablePasswords).join(', ')}`);
	if (refused[name]) throw new UsageError(refused[name].replace('NAME', '<cluster>'));
	if (!(name in rotatablePasswords)) throw new UsageError(`unknown password "${name}"; rotate one of ${Object.keys(rotatablePasswords).join(', ')}`);
	return name as RotatablePassword;
}

/** Rotation changes saved clusters only: the new secret is kept with them. */
function savedClusterOnly(flags: Flags): void {
	if (flags.answers) throw new UsageError('rotate works on a saved cluster, where the new secret is kept; pass --cluster NAME instead of --answers');
}

function confirmable(flags: Flags, io: Io, command: string): void {
	if (!flags.yes && !io.interactive) throw new UsageError(`${command} changes the cluster; pass --yes to run it without a terminal`);
}

/** One line from standard input, without its line end; refused when empty or several lines. */
async function passwordFromStdin(io: Io): Promise<string> {
	if (io.interactive) throw new UsageError('--stdin reads a password piped in (`... | pgha rotate password NAME --stdin --yes`); typed on a terminal it would show');
	const text = await (io.readStdin ?? readProcessStdin)();
	const value = text.replace(/\r?\n$/, '');
	if (value === '') throw new UsageError('--stdin read no password; pipe one line holding the new password');
	if (/[\r\n]/.test(value)) throw new UsageError('--stdin reads one line; the input holds several. Pipe only the new password');
	return value;
}

async function readProcessStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks).toString('utf8');
}

/** The plan of a change as lines: each file that changes on each host, and what its service then needs. */
function planLines(changes: FileChange[]): string[] {
	const byHost = new Map<string, FileChange[]>();
	for (const change of changes) byHost.set(change.host, [...(byHost.get(change.host) ?? []), change]);
	return [...byHost].map(([host, files]) => `  ${host}: ${files.map(f => `${f.path}${f.service && f.onChange !== 'none' ? ` (${f.service} ${f.onChange}s)` : ''}`).join(', ')}`);
}

function actionLines(changes: FileChange[]): string[] {
	const actions = serviceActions(changes);
	return actions.length === 0 ? ['  no service needs a reload'] : actions.map(a => `  ${a.service}: ${a.how} on ${a.hosts.join(', ')}`);
}

/** Runs the convergent apply, printing progress, and keeps which services' steps changed something. */
async function converge(answers: Answers, raw: AnswersInput, io: Io, redact: string[]): Promise<{result: RunResult; touched: Map<string, string[]>}> {
	const touched = new Map<string, string[]>();
	const print = plainProgress(io, io.env['PGHA_VERBOSE'] === '1');
	const emit: EventSink = (event: EngineEvent) => {
		if (event.type === 'step-finished' && event.changed && event.step.startsWith('service ')) {
			const unit = event.step.slice('service '.length);
			touched.set(unit, [...(touched.get(unit) ?? []), event.host]);
		}
		print(event);
	};
	const result = await applyCluster({answers, raw, emit, env: io.env, mode: 'apply', verify: true, connect: io.connect, redact});
	return {result, touched};
}

/**
 * What the run did to services, in the plan's words: a service whose step
 * acted where the plan reloads it was reloaded; one the plan did not name
 * had drifted (stopped, or another file changed) and was put back.
 */
export function reloadSummary(changes: FileChange[], touched: Map<string, string[]>): string {
	const planned = new Map(serviceActions(changes).flatMap(a => a.hosts.map(h => [`${a.service}@${h}`, a.how] as const)));
	const parts = [...touched].flatMap(([unit, hosts]) => {
		const groups = new Map<string, string[]>();
		for (const host of hosts) {
			const how = planned.get(`${unit}@${host}`) === 'reload' ? 'reloaded' : 'put back (it had drifted)';
			groups.set(how, [...(groups.get(how) ?? []), host]);
		}
		return [...groups].map(([how, on]) => `${unit} ${how} on ${on.join(', ')}`);
	});
	const onlyReloads = [...touched].every(([unit, hosts]) => hosts.every(host => planned.get(`${unit}@${host}`) === 'reload'));
	return `${parts.length > 0 ? parts.join('; ') : 'no service needed a reload'}${onlyReloads ? '; nothing was restarted' : ''}`;
}

function failed(io: Io, what: string, result: RunResult, cluster: string, kept: string): number {
	const where = result.failed ? ` on ${result.failed.host} at "${result.failed.step}"` : result.verified === false ? ': verify found failing checks (FAIL lines above)' : '';
	io.err(`pgha: ${what} did not finish${where}.\n  ${kept}\n  Full log: ${result.logFile}\n  Fix the cause and run \`pgha repair --cluster ${cluster}\`: it carries on from where it stopped.`);
	return exitCodes.failed;
}

async function rotatePassword(args: string[], flags: Flags, io: Io): Promise<number> {
	const name = passwordName(args);
	savedClusterOnly(flags);
	confirmable(flags, io, 'rotate password');
	const resolved = await resolveCluster(flags, io);
	// The HAProxy stats password may exist only in the secrets file: completed, so "before" is what the hosts hold.
	const {answers, raw} = completeAnswers(resolved.answers, resolved.raw, resolved.env);
	const cluster = answers.cluster.name;
	const value = flags.stdin ? await passwordFromStdin(io) : passwordWithSymbol(24);
	const old = answers.passwords[name];
	if (value === old) throw new UsageError(`that is the current ${name} password; pipe a new one, or leave out --stdin and pgha makes one`);
	const nextRaw = {...raw, passwords: {...raw.passwords, [name]: value}} as AnswersInput;
	const checked = validateAnswers(nextRaw, resolved.env);
	if (!checked.ok) {
		const ours = checked.problems.filter(p => p.path === `passwords.${name}`);
		throw new UsageError(`the new ${name} password cannot be used:\n${formatProblems(ours.length > 0 ? ours : checked.problems)}\n  Pipe another one, or leave out --stdin and pgha makes one`);
	}
	const next = {...checked.answers, passwords: {...checked.answers.passwords, haproxyStats: checked.answers.passwords.haproxyStats ?? answers.passwords.haproxyStats}};
	const keys = placeholderKeys(answers);
	const changes = fileChanges({answers, keys}, {answers: next, keys});
	const variable = secretFields.find(f => f.path[1] === name)!.variable;
	const secretsFile = join(pghaHome(io.env), 'clusters', `${cluster}.secrets.json`);
	io.out(
		[
			`Plan for cluster "${cluster}": a new ${name} password${flags.stdin ? ' (read from standard input)' : ' (generated, 24 characters)'}, saved as ${variable} in ${secretsFile}`,
			`  ${rotatablePasswords[name]}`,
			'Files that change:',
			...planLines(changes),
			'Services:',
			...actionLines(changes),
		].join('\n'),
	);
	// A rotation that would restart something is not this command's to make (every file holding a password reloads; a test keeps it so).
	if (serviceActions(changes).some(a => a.how === 'restart')) throw new UsageError(`rotating ${name} would restart a service; nothing was changed`);
	if (!flags.yes) {
		const {confirm} = await import('./confirm.js');
		if (!(await confirm(`Rotate the ${name} password of cluster "${cluster}"?`))) return exitCodes.failed;
	}
	// Saved before the run: if it stops half way, `pgha repair` finishes with the new password instead of putting the old one back.
	saveCluster(nextRaw, io.env);
	const {result, touched} = await converge(next, nextRaw, io, [old ?? '']);
	if (!result.ok) return failed(io, `rotate password ${name}`, result, cluster, `The new password is saved (${variable}); the hosts hold the old or the new one.`);
	io.out(`pgha: rotated the ${name} password; it is saved as ${variable} in ${secretsFile} (pgha never prints it).`);
	io.out(`pgha: ${reloadSummary(changes, touched)}.`);
	return exitCodes.ok;
}

async function rotateCertificates(flags: Flags, io: Io): Promise<number> {
	savedClusterOnly(flags);
	confirmable(flags, io, 'rotate certificates');
	const resolved = await resolveCluster(flags, io);
	const {answers, raw} = completeAnswers(resolved.answers, resolved.raw, resolved.env);
	const cluster = answers.cluster.name;
	const dir = keysDir(cluster, io.env);
	if (!answers.tls && !existsSync(join(dir, 'ca.crt'))) throw new UsageError(`cluster "${cluster}" has no CA yet (${join(dir, 'ca.crt')}); install it first: \`pgha install --cluster ${cluster}\``);
	const before = await prepareKeys(answers, io.env, {});
	const planned = await prepareKeys(answers, io.env, {reissue: true});
	const changes = fileChanges({answers, keys: before.keys}, {answers, keys: planned.keys});
	io.out(
		[
			`Plan for cluster "${cluster}": a new certificate and key for each of ${answers.hosts.length} hosts, from the same CA (${answers.tls?.caCert ?? join(dir, 'ca.crt')}); clients' sslrootcert stays valid`,
			'Files that change:',
			...planLines(changes),
			'Services:',
			...actionLines(changes),
		].join('\n'),
	);
	if (serviceActions(changes).some(a => a.how === 'restart')) throw new UsageError('rotating the certificates would restart a service; nothing was changed');
	if (!flags.yes) {
		const {confirm} = await import('./confirm.js');
		if (!(await confirm(`Issue new certificates for cluster "${cluster}"?`))) return exitCodes.failed;
	}
	// The planned certificates are kept before the run, like a renewal: the run's own preparation then finds them valid and applies them.
	planned.save();
	const certificates = Object.values(planned.keys.hosts);
	const earliest = new Date(Math.min(...certificates.map(pair => readCertificate(pair.cert).notAfter.getTime())));
	io.out(`pgha: issued ${certificates.length} certificate(s) from the cluster CA; the earliest expires on ${earliest.toISOString().slice(0, 10)}`);
	const {result, touched} = await converge(answers, raw, io, []);
	if (!result.ok) return failed(io, 'rotate certificates', result, cluster, 'The new certificates are saved; the hosts hold the old or the new ones, all from the same CA.');
	io.out(`pgha: ${reloadSummary(changes, touched)}.`);
	return exitCodes.ok;
}

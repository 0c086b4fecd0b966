import {createInterface} from 'node:readline/promises';
import {validateAnswers} from '../answers/load.js';
import {formatProblems} from '../answers/problem.js';
import type {AnswersInput} from '../answers/schema.js';
import {expectedHostKeys} from '../engine/connect.js';
import {applyCluster} from '../engine/install.js';
import {checkHost} from '../engine/wizard-services.js';
import {UsageError, UserError, exitCodes} from '../errors.js';
import type {Command} from './context.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';
import {backupHost, hostNames, hostsWithRole} from '../answers/hosts.js';

/**
 * `pgha add-replica [--cluster NAME] [--name N --ip IP] [--yes]`: a new
 * PostgreSQL node joins as a Patroni replica built from the latest backup
 * (basebackup if there is none); pg_hba, HAProxy and pgBackRest learn it, and
 * the saved answers are updated.
 */
export const addReplica: Command = async (_args, flags, io) => {
	// Refused before anything else: without a terminal to confirm on, not even the new host is contacted.
	if (!flags.yes && !io.interactive) throw new UsageError('add-replica changes the cluster; pass --yes to run it without a terminal');
	const {raw, env} = await resolveCluster(flags, io);
	let {name, ip} = flags;
	if ((!name || !ip) && io.interactive) {
		const rl = createInterface({input: process.stdin, output: process.stdout});
		try {
			name ||= (await rl.question('Name of the new PostgreSQL host: ')).trim();
			ip ||= (await rl.question(`IP address of ${name}: `)).trim();
		} finally {
			rl.close();
		}
	}
	if (!name || !ip) throw new UsageError('add-replica needs the new host: pass --name NAME --ip IP');
	const input: AnswersInput = {...raw, hosts: [...raw.hosts, {name, ip, roles: ['postgres']}]};
	const result = validateAnswers(input, env);
	if (!result.ok) throw new UsageError(`the new host does not fit the cluster:\n${formatProblems(result.problems)}`);
	// A key already recorded for this name (an earlier attempt) is the one the new host must present.
	const recorded = expectedHostKeys(result.answers, io.env)[name];
	const check = await checkHost(ip, result.answers.ssh, undefined, recorded ? {name, fingerprint: recorded} : undefined);
	if (!check.ok || !check.fingerprint) {
		const why = check.error ?? 'cannot be used';
		throw new UserError(why.startsWith(`${name} (${ip})`) ? why : `${name} (${ip}): ${why}`);
	}
	const hostKey = check.fingerprint;
	io.out(`${name} (${ip}): ${check.os}; host key ${hostKey}`);
	const nodes = hostsWithRole(result.answers, 'postgres').length;
	const repo = backupHost(result.answers);
	io.out(
		[
			`Plan for cluster "${raw.cluster.name}":`,
			`  ${name} gets PostgreSQL, Patroni and PgBouncer and joins as replica ${nodes - 1} of ${nodes}, cloned from ${repo ? 'the latest backup on ' + repo.name : 'the leader'}`,
			`  pg_hba on every node admits ${ip}; HAProxy on ${hostNames(hostsWithRole(result.answers, 'balancer')).join(', ')} adds it (reload, sessions kept)`,
			...(repo ? [`  ${repo.name}'s pgBackRest configuration lists it`] : []),
		].join('\n'),
	);
	if (!flags.yes) {
		const {confirm} = await import('./confirm.js');
		if (!(await confirm(`Accept host key ${hostKey} and add ${name}?`))) return exitCodes.failed;
	}
	// The key shown (and accepted) is the one the run's own connection must see: another machine answering
	// at that address between the check and the run is refused before it is offered any credential.
	const pin = <T extends {ssh?: {hostKeys?: Record<string, string>}}>(a: T): T => ({...a, ssh: {...a.ssh, hostKeys: {...a.ssh?.hostKeys, [name]: hostKey}}});
	const answers = pin(result.answers);
	const outcome = await applyCluster({answers, raw: pin(input), emit: plainProgress(io, io.env['PGHA_VERBOSE'] === '1'), env: io.env, connect: io.connect});
	if (!outcome.ok) {
		io.err(`pgha: add-replica failed${outcome.failed ? ` on ${outcome.failed.host} at "${outcome.failed.step}"` : ''}.\n  Full log: ${outcome.logFile}\n  Run the same command again to carry on.`);
		return exitCodes.failed;
	}
	io.out(`pgha: ${name} streams as a replica and serves reads through ${result.answers.network.vip}:5001`);
	return exitCodes.ok;
};

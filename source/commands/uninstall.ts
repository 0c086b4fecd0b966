import {secretValues} from '../answers/secrets.js';
import {connectSome} from '../engine/connect.js';
import {buildUninstallPhases} from '../engine/phases.js';
import {runPhases} from '../engine/runner.js';
import {loggedSink} from '../engine/run-log.js';
import {exitCodes, UsageError} from '../errors.js';
import {placeholderKeys} from '../keys/cluster-keys.js';
import {clearJournal} from '../restore/journal.js';
import {confirmationFor, typedNameConfirms} from '../uninstall/confirmation.js';
import {formatUninstallPlan, planUninstall, type UninstallOptions} from '../uninstall/plan.js';
import {surveyHosts} from '../uninstall/survey.js';
import type {RunContext} from '../../recipes/kit/step.js';
import type {Command} from './context.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

/** The command that runs the same uninstall again, with the same wipes. */
export function uninstallAgain(cluster: string, options: UninstallOptions): string {
	return `pgha uninstall --cluster ${cluster}${options.wipeData ? ' --wipe-data' : ''}${options.wipeBackups ? ' --wipe-backups' : ''}`;
}

/**
 * `pgha uninstall [--cluster NAME] [--wipe-data] [--wipe-backups] [--yes
 * --confirm NAME] [--dry-run]`: stops and removes what pgha put on the
 * cluster's hosts, after its plan and the cluster's name typed (or given with
 * --confirm). Data and backups stay unless wiped; the saved cluster stays.
 * Every step checks first, so a re-run finishes what a failed or partial one left.
 */
export const uninstall: Command = async (args, flags, io) => {
	if (args.length > 0) throw new UsageError(`uninstall takes no arguments (got "${args.join(' ')}"); name the cluster with --cluster NAME`);
	const {answers} = await resolveCluster(flags, io);
	const name = answers.cluster.name;
	const options: UninstallOptions = {wipeData: flags.wipeData === true, wipeBackups: flags.wipeBackups === true};
	// Refused before any host is reached: a wrong or missing confirmation changes nothing.
	const confirmation = flags.dryRun ? 'confirmed' : confirmationFor(flags, io.interactive, name);
	const {connections, unreachable} = await connectSome(answers, answers.hosts, io.connect, io.env);
	const close = () => {
		for (const conn of connections.values()) conn.close();
	};
	try {
		const plan = planUninstall(answers, await surveyHosts(connections), unreachable, options);
		for (const line of formatUninstallPlan(plan, options)) io.out(line);
		if (plan.problems.length > 0) {
			io.err(`pgha: uninstall refused, nothing was changed:\n  ${plan.problems.join('\n  ')}`);
			return exitCodes.failed;
		}
		if (plan.hosts.length === 0) {
			io.err(`pgha: no host of cluster "${name}" answered; nothing was changed. Run \`${uninstallAgain(name, options)}\` once they do.`);
			return exitCodes.failed;
		}
		if (flags.dryRun) {
			io.out('pgha: dry run: nothing was changed.');
			return exitCodes.ok;
		}
		if (confirmation === 'ask') {
			const {ask} = await import('./confirm.js');
			const typed = await ask(`This removes cluster "${name}" from ${plan.hosts.length} host(s). Type its name to go on:`);
			if (!typedNameConfirms(typed, name)) {
				io.err(`pgha: "${typed.trim()}" is not "${name}"; nothing was changed.`);
				return exitCodes.failed;
			}
		}
		const removals = new Map(plan.hosts.map(h => [h.name, h.removal]));
		const phases = buildUninstallPhases(answers, removals);
		const {emit, log} = loggedSink(name, secretValues(answers), io.env, plainProgress(io, io.env['PGHA_VERBOSE'] === '1'));
		const context: RunContext = {answers, keys: placeholderKeys(answers), facts: new Map(), identities: new Map(), connections, signal: new AbortController().signal};
		emit({type: 'run-started', cluster: name, hosts: plan.hosts.map(h => ({name: h.name, roles: answers.hosts.find(a => a.name === h.name)!.roles})), phases: phases.map(p => p.name), logFile: log.path, at: Date.now()});
		const outcome = await runPhases(phases, context, emit);
		emit({type: 'run-finished', ok: outcome.ok, changed: outcome.changed, unchanged: outcome.unchanged, logFile: log.path, at: Date.now()});
		await log.close();
		const again = uninstallAgain(name, options);
		if (!outcome.ok) {
			const where = outcome.failed ? ` on ${outcome.failed.host} at "${outcome.failed.step}" (phase ${outcome.failed.phase})` : '';
			io.err(`pgha: uninstall failed${where}.\n  Full log: ${log.path}\n  Fix the cause and run \`${again}\` again: it carries on from where it stopped.`);
			return exitCodes.failed;
		}
		// A restore left unfinished has nothing left to finish once the data is gone.
		if (options.wipeData) clearJournal(name, io.env);
		if (unreachable.size > 0) {
			io.err(`pgha: uninstalled from ${plan.hosts.map(h => h.name).join(', ')}; not from ${[...unreachable.keys()].join(', ')} (unreachable). Run \`${again}\` once they answer.`);
			return exitCodes.failed;
		}
		io.out(`pgha: cluster "${name}" uninstalled from ${plan.hosts.length} host(s)${options.wipeData ? '; its data was wiped' : '; its data stays'}${options.wipeBackups ? ', its backups were wiped' : ''}.`);
		io.out(`pgha: the saved cluster stays: \`pgha install --cluster ${name}\` installs it again, \`pgha answers remove ${name}\` forgets it.`);
		return exitCodes.ok;
	} finally {
		close();
	}
};

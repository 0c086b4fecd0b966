import {applyCluster} from '../engine/install.js';
import {UsageError} from '../errors.js';
import type {Command} from './context.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

/**
 * `pgha install [--answers FILE | --cluster NAME] [--yes] [--dry-run]`: one
 * convergent apply. A re-run finishes a failed install and changes nothing on
 * a cluster that already matches.
 */
export const install: Command = async (_args, flags, io) => {
	const {answers, raw, env} = await resolveCluster(flags, io);
	if (flags.dryRun) {
		// The answers resolved above, whether they came from --answers or a saved --cluster.
		const {printPlan} = await import('./plan.js');
		printPlan(answers, flags.json, io);
		return 0;
	}
	if (!flags.yes) {
		if (!io.interactive) throw new UsageError('install changes servers; pass --yes to run it without a terminal (or --dry-run to see the plan)');
		const {confirm} = await import('./confirm.js');
		if (!(await confirm(`Install cluster "${answers.cluster.name}" on ${answers.hosts.length} hosts?`))) return 1;
	}
	if (io.interactive) {
		// On a terminal: the live panes, the same screen the wizard ends in.
		const [{runApp}, {wizardServices}] = await Promise.all([import('../ui/run-app.js'), import('../engine/wizard-services.js')]);
		const services = wizardServices(env);
		const result = await runApp(services, {install: {input: raw, answers}}).finally(() => services.dispose());
		if (result.kind === 'installed') {
			if (!result.ok) io.err(`pgha: install ${result.stopped ? 'stopped' : 'failed'}. Full log: ${result.logFile}\n  Run the same command again to carry on.`);
			return result.ok ? 0 : 1;
		}
		if (result.kind === 'error') io.err(`pgha: ${result.message}`);
		return 1;
	}
	const controller = new AbortController();
	const stop = () => controller.abort();
	process.once('SIGINT', stop);
	try {
		const result = await applyCluster({answers, raw, emit: plainProgress(io, io.env['PGHA_VERBOSE'] === '1'), signal: controller.signal, env, connect: io.connect});
		if (!result.ok) {
			const where = result.failed
				? ` on ${result.failed.host} at "${result.failed.step}" (phase ${result.failed.phase})`
				: result.verified === false
					? ': the cluster is installed but verify found failing checks (FAIL lines above)'
					: '';
			io.err(`pgha: install failed${where}.\n  Full log: ${result.logFile}\n  Fix the cause and run the same command again: it carries on from where it stopped.`);
			return 1;
		}
		return 0;
	} finally {
		process.off('SIGINT', stop);
	}
};

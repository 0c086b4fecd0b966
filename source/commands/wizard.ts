import {UsageError} from '../errors.js';
import type {SavedClusterCommand} from '../ui/start-screen.js';
import type {Io} from './context.js';

/** How the wizard ended: with an exit code, or with a saved cluster's command for the caller to run. */
export type WizardEnd = {kind: 'exit'; code: number} | {kind: 'command'; command: SavedClusterCommand; cluster: string};

/**
 * `pgha` with no command: the wizard on a terminal. It never prompts without
 * one; it says how to install from an answer file instead. A command chosen
 * for a saved cluster is returned, not run.
 */
export async function wizard(io: Io): Promise<WizardEnd> {
	if (!io.interactive)
		throw new UsageError(
			'the wizard needs a terminal (and CI unset); without one, install from an answer file: pgha install --answers FILE --yes (see examples/ and `pgha schema`)',
		);
	const [{runApp}, {wizardServices}] = await Promise.all([import('../ui/run-app.js'), import('../engine/wizard-services.js')]);
	const services = wizardServices(io.env);
	const result = await runApp(services).finally(() => services.dispose());
	switch (result.kind) {
		case 'quit':
			return {kind: 'exit', code: 0};
		case 'not-interactive':
			throw new UsageError('keys cannot be read from this terminal; use pgha install --answers FILE --yes');
		case 'error':
			io.err(`pgha: ${result.message}`);
			return {kind: 'exit', code: 1};
		case 'installed':
			if (result.ok) {
				// Printed after the app leaves so the long multi-host URLs copy without terminal wrapping.
				const {labelledConnectionStrings} = await import('../plan/connection-strings.js');
				const {caCertPath} = await import('../keys/store.js');
				for (const {label, url} of labelledConnectionStrings(result.answers, caCertPath(result.answers, io.env))) io.out(`${label}: ${url}`);
			}
			if (!result.ok) io.err(`pgha: install ${result.stopped ? 'stopped' : 'failed'}. Full log: ${result.logFile}\n  Run \`pgha install --cluster ${result.answers.cluster.name}\` to carry on.`);
			return {kind: 'exit', code: result.ok ? 0 : 1};
		case 'command':
			return {kind: 'command', command: result.command, cluster: result.cluster};
	}
}

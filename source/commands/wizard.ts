import {UsageError} from '../errors.js';
import type {Command} from './context.js';

/**
 * `pgha` with no command: the wizard on a terminal. It never prompts without
 * one; it says how to install from an answer file instead.
 */
export const wizard: Command = async (_args, flags, io) => {
	if (!io.interactive)
		throw new UsageError(
			'the wizard needs a terminal (and CI unset); without one, install from an answer file: pgha install --answers FILE --yes (see examples/ and `pgha schema`)',
		);
	const [{runApp}, {wizardServices}] = await Promise.all([import('../ui/run-app.js'), import('../engine/wizard-services.js')]);
	const services = wizardServices(io.env);
	const result = await runApp(services).finally(() => services.dispose());
	switch (result.kind) {
		case 'quit':
			return 0;
		case 'not-interactive':
			throw new UsageError('keys cannot be read from this terminal; use pgha install --answers FILE --yes');
		case 'error':
			io.err(`pgha: ${result.message}`);
			return 1;
		case 'installed':
			if (result.ok) {
				// Printed after the app leaves so the long multi-host URLs copy without terminal wrapping.
				const {validateAnswers} = await import('../answers/load.js');
				const {labelledConnectionStrings} = await import('../plan/connection-strings.js');
				const parsed = validateAnswers(result.answers, io.env);
				if (parsed.ok) for (const {label, url} of labelledConnectionStrings(parsed.answers)) io.out(`${label}: ${url}`);
			}
			if (!result.ok) io.err(`pgha: install ${result.stopped ? 'stopped' : 'failed'}. Full log: ${result.logFile}\n  Run \`pgha install --cluster ${result.answers.cluster.name}\` to carry on.`);
			return result.ok ? 0 : 1;
		case 'command': {
			const {main} = await import('./main.js');
			const chosen = {...flags, cluster: result.cluster};
			if (result.command !== 'repair') return main([result.command], chosen, io);
			// Check and repair: show the drift first, and change nothing unless asked.
			const found = await main(['repair'], {...chosen, check: true}, io);
			if (found !== 3) return found;
			const {confirm} = await import('./confirm.js');
			return (await confirm('Put back what drifted?')) ? main(['repair'], chosen, io) : found;
		}
	}
};

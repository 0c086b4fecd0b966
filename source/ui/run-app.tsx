import {render} from 'ink';
import {App, type AppProps, type AppResult} from './app.js';
import type {WizardServices} from '../app/services.js';

/**
 * Renders the app on the terminal and resolves with how it ended. Ink's own
 * Ctrl-C exit is off because the app asks before stopping a running install.
 */
export async function runApp(
	services: WizardServices,
	options: {stdin?: NodeJS.ReadStream; stdout?: NodeJS.WriteStream; startInWizard?: boolean; install?: AppProps['install']} = {},
): Promise<AppResult> {
	let result: AppResult = {kind: 'quit'};
	const instance = render(<App services={services} startInWizard={options.startInWizard} install={options.install} onExit={value => (result = value)} />, {
		exitOnCtrlC: false,
		...(options.stdin ? {stdin: options.stdin} : {}),
		...(options.stdout ? {stdout: options.stdout} : {}),
	});
	await instance.waitUntilExit();
	return result;
}

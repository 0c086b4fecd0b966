import {pathToFileURL} from 'node:url';
import type {FirstFrameBench} from './first-frame.js';
import type {InstallScreenBench} from './install-screen.js';

/** The wizard's figures, and the NODE_ENV React ran under while they were taken. */
export type WizardBench = {nodeEnv: string; firstFrame: FirstFrameBench; installScreen: InstallScreenBench};

/**
 * Times the wizard's first frame and the CPU the install screen uses while
 * nine panes stream output, both on a fake 120x40 terminal. React and its
 * reconciler pick their development or production build when first loaded,
 * so NODE_ENV is set to production (what the installed pgha runs) before the
 * UI is imported; a NODE_ENV already set is kept and printed with the figures.
 */
export async function benchWizard(print: (line: string) => void = console.log): Promise<WizardBench> {
	process.env['NODE_ENV'] ??= 'production';
	const nodeEnv = process.env['NODE_ENV'];
	const [{benchFirstFrame}, {benchInstallScreen}] = await Promise.all([import('./first-frame.js'), import('./install-screen.js')]);
	const log = (line: string) => print(`${line} [NODE_ENV=${nodeEnv}${process.env['CI'] ? ', CI set: Ink writes only at exit' : ''}]`);
	const firstFrame = await benchFirstFrame({log});
	const installScreen = await benchInstallScreen({durationMs: 5000, linesPerSecond: 20, log});
	return {nodeEnv, firstFrame, installScreen};
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchWizard();

import {benchValidate, formatBench} from './validate.js';

/**
 * `npm run bench`: every figure pgha measures. The lab parts need root and
 * Linux and take several minutes; without them only the start-up figures print.
 */
async function main(): Promise<void> {
	console.log('== validate and plan (start-up included)');
	console.log(formatBench(benchValidate()));
	if (process.env['PGHA_BENCH_UI'] !== '0') {
		const wizard = await import('./wizard.js').catch(() => undefined);
		if (wizard) {
			console.log('== wizard');
			await wizard.benchWizard();
		}
	}
	if (process.platform !== 'linux' || process.getuid?.() !== 0) {
		console.log('== lab and install: skipped (needs root on Linux)');
		return;
	}
	// The lab benchmarks start from no lab and end with none: they never take down a lab someone else is using.
	const {readLabState} = await import('../source/lab/lab.js');
	const running = await readLabState();
	if (running) {
		console.log(`== lab and install: not run: a ${running.topology} lab is up (started ${running.startedAt}); take it down with \`pgha lab down\` when it is free, then run the bench again`);
		process.exitCode = 1;
		return;
	}
	console.log('== lab up (cold and warm base image)');
	const {benchLab} = await import('./lab.js');
	await benchLab('seed');
	console.log('== install, no-op re-run, drills, add-replica, repair --check');
	const {benchInstall} = await import('./install.js');
	await benchInstall();
}

await main();

import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {formatTable, previousRun, saveRun, type Figure} from './figures.js';
import {benchStartup, formatStartup, startupFigures as startupBenchFigures} from './startup.js';
import {benchValidate, formatBench} from './validate.js';

// Works from bench/ (tsx) and dist/bench/ (compiled): results live in the source tree's bench/results.
const here = dirname(fileURLToPath(import.meta.url));
const root = here.includes(`${join('dist', 'bench')}`) ? join(here, '..', '..') : join(here, '..');
const resultsDir = join(root, 'bench', 'results');

/**
 * The figures that need no lab: start-up of validate and plan, the CPU of
 * --version and validate, the wizard's first frame (from process start, and
 * after render()), the install screen's CPU.
 */
async function startupFigures(): Promise<Figure[]> {
	console.log('== validate and plan (start-up included)');
	const results = benchValidate();
	console.log(formatBench(results));
	const figures: Figure[] = results.map(r => ({name: `${r.name} (median, start-up included)`, value: r.medianMs, unit: 'ms'}));
	console.log('== start-up: CPU of --version and validate, the wizard in a pseudo-terminal');
	const startup = await benchStartup(10, {wizard: process.env['PGHA_BENCH_UI'] !== '0'});
	console.log(formatStartup(startup));
	figures.push(...startupBenchFigures(startup));
	if (process.env['PGHA_BENCH_UI'] !== '0') {
		const wizard = await import('./wizard.js').catch(() => undefined);
		if (wizard) {
			console.log('== wizard');
			const {firstFrame, installScreen} = await wizard.benchWizard();
			figures.push(
				{name: 'wizard first frame after render()', value: firstFrame.wizardFrameMs, unit: 'ms'},
				{name: 'install screen CPU, 9 streaming panes', value: installScreen.cpuPercent, unit: '%'},
			);
		}
	}
	return figures;
}

/**
 * `npm run bench`: every figure pgha measures, as one table with the previous
 * run's figures and the change, saved as JSON in bench/results/. The lab parts
 * need root, Linux and no lab running, and take several minutes.
 */
async function main(): Promise<void> {
	const figures = await startupFigures();
	const previous = previousRun(resultsDir);
	const finish = () => {
		const {file, run} = saveRun(resultsDir, figures, root);
		console.log(`\n${formatTable(run, previous)}\n\nsaved ${file}`);
	};
	if (process.platform !== 'linux' || process.getuid?.() !== 0) {
		console.log('== lab and install: not run (they need root on Linux)');
		return finish();
	}
	// The lab benchmarks start from no lab and end with none: they never take down a lab someone else is using.
	const {readLabState} = await import('../source/lab/lab.js');
	const running = await readLabState();
	if (running) {
		console.log(`== lab and install: not run: a ${running.topology} lab is up (started ${running.startedAt}); take it down with \`pgha lab down\` when it is free, then run the bench again`);
		process.exitCode = 1;
		return finish();
	}
	if (process.env['PGHA_BENCH_LAB'] !== '0') {
		console.log('== lab up (cold and warm base image)');
		const {benchLab, labFigures} = await import('./lab.js');
		figures.push(...labFigures(await benchLab('seed')));
	}
	console.log('== bundle create (cold and warm)');
	const {benchBundleCreate, benchMirrorInstall} = await import('./bundle.js');
	figures.push(...(await benchBundleCreate()));
	console.log('== install through the mirror (lab up --mirror), for its packages phase');
	figures.push(...(await benchMirrorInstall()));
	console.log('== install from the lab bundle, no-op re-run, drills, add-replica, repair --check');
	const {benchInstall} = await import('./install.js');
	figures.push(...(await benchInstall()));
	finish();
}

await main();

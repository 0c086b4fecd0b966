import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {formatTable, previousRun, saveRun, type Figure} from './figures.js';
import type {GrowthPoint} from './growth.js';
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
 * need root, Linux and no lab running, and take several minutes; the growth
 * part adds an install on a compact and on a large lab (PGHA_BENCH_GROWTH=0
 * skips them).
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
	// How the cost grows with hosts: compact (3) and large (15) here, the seed (9) from its install bench below.
	const growth = await import('./growth.js');
	const points: GrowthPoint[] = [];
	if (process.env['PGHA_BENCH_GROWTH'] !== '0') {
		console.log(`== growth: lab up, install, no-op re-run, repair --check, lab down on ${growth.growthTopologies.join(' and ')}`);
		const measured = await growth.benchGrowth(growth.growthTopologies);
		points.push(...measured.points);
		if (measured.failed.length > 0) process.exitCode = 1;
	} else {
		console.log('== growth: compact and large not run (PGHA_BENCH_GROWTH=0); the seed alone');
	}
	console.log('== the floor: one PostgreSQL host installs its packages with no other host beside it');
	const {benchPackageFloor} = await import('./package-floor.js');
	figures.push(...(await benchPackageFloor().catch((error: unknown) => {
		console.log(`package floor bench failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
		return [];
	})));
	console.log('== install from the lab bundle, no-op re-run, repair --check, drills, add-replica, repair --check');
	const {benchInstall} = await import('./install.js');
	try {
		const seed = await benchInstall();
		figures.push(...seed.figures);
		points.push(seed.growth);
	} catch (error) {
		// The figures measured so far are still saved.
		console.log(`seed install bench failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	}
	if (points.length > 0) {
		// The seed's are the figures of its install bench above, not measured again.
		console.log('== growth with hosts');
		figures.push(...growth.growthFigures(points));
		console.log(growth.growthLine(points));
		const memory = growth.growthMemoryLine(points);
		if (memory) console.log(memory);
	}
	finish();
}

await main();

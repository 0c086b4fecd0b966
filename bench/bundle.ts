import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {roleNames} from '../source/answers/schema.js';
import {createBundle} from '../source/bundle/create.js';
import {readLabState} from '../source/lab/lab.js';
import {labArch} from '../source/lab/lab-bundle.js';
import type {Figure} from './figures.js';
import {phaseTimes, runCli as run} from './lab-run.js';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `bundle create` for every role, cold (an empty download cache and no
 * machine apt cache to copy from: every .deb fetched) and warm (the same
 * cache: nothing fetched), written to a scratch directory.
 */
export async function benchBundleCreate(print: (line: string) => void = console.log): Promise<Figure[]> {
	const work = mkdtempSync(join(tmpdir(), 'pgha-bench-bundle-'));
	try {
		const make = async (name: string) => {
			const started = Date.now();
			const made = await createBundle({output: join(work, `${name}.tar`), roles: [...roleNames], arch: labArch(), cacheDir: join(work, 'cache'), localArchives: []});
			return {ms: Date.now() - started, made};
		};
		const cold = await make('cold');
		print(`bundle create, cold: ${secs(cold.ms)} (${cold.made.manifest.packages.length} packages, ${(cold.made.size / 1e6).toFixed(1)} MB, ${(cold.made.fetchedBytes / 1e6).toFixed(1)} MB fetched)`);
		const warm = await make('warm');
		print(`bundle create, warm: ${secs(warm.ms)} (${warm.made.reused} reused, ${(warm.made.fetchedBytes / 1e6).toFixed(1)} MB fetched)`);
		return [
			{name: 'bundle create, cold (every role)', value: cold.ms / 1000, unit: 's'},
			{name: 'bundle create, warm', value: warm.ms / 1000, unit: 's'},
			{name: 'bundle size, every role', value: cold.made.size / 1e6, unit: 'MB'},
		];
	} finally {
		rmSync(work, {recursive: true, force: true});
	}
}

/**
 * A seed install on a lab whose hosts go through the package cache to the
 * machine's mirror (`lab up --mirror`), for the packages phase beside the
 * bundle install's (bench/install.ts). Needs root and no lab up.
 */
export async function benchMirrorInstall(print: (line: string) => void = console.log): Promise<Figure[]> {
	const running = await readLabState();
	if (running) throw new Error(`a ${running.topology} lab is up (started ${running.startedAt}); the bench needs the lab to itself`);
	const work = mkdtempSync(join(tmpdir(), 'pgha-bench-mirror-'));
	const answersFile = join(work, 'answers.yaml');
	const env = {PGHA_HOME: join(work, 'home')};
	try {
		const up = run(['lab', 'up', '--topology', 'seed', '--mirror', '--write-answers', answersFile], env);
		if (up.code !== 0) throw new Error(`lab up --mirror failed:\n${up.stdout}`);
		const install = run(['install', '--answers', answersFile, '--yes'], env);
		if (install.code !== 0) throw new Error(`install through the mirror failed:\n${install.stdout.slice(-3000)}`);
		const logFile = install.stdout.match(/log (\S+\.log)/)![1]!;
		const packages = phaseTimes(readFileSync(logFile, 'utf8')).find(p => p.phase === 'packages')?.ms ?? Number.NaN;
		print(`install through the mirror (9 hosts): ${secs(install.ms)}; packages phase ${secs(packages)}`);
		return [
			{name: 'install through the mirror, seed lab', value: install.ms / 1000, unit: 's'},
			{name: '  phase packages (mirror)', value: packages / 1000, unit: 's'},
		];
	} finally {
		run(['lab', 'down'], env);
		rmSync(work, {recursive: true, force: true});
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	await benchBundleCreate();
	if (process.argv[2] === 'mirror') await benchMirrorInstall();
}

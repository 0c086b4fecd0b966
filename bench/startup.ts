import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import type {Figure} from './figures.js';
import {benchEnv, median, projectRoot} from './validate.js';

/** Start-up as a person meets it: CPU of short commands, and how soon the wizard shows. */
export type StartupBench = {versionCpuMs: number; validateCpuMs: number; wizardFirstFrameMs?: number; wizardSkipped?: string};

// bash's `times` prints the CPU its children used to the millisecond
// (/usr/bin/time only to 10 ms), and bash is on every machine pgha runs on.
const cpuScript = '"$@" >/dev/null 2>&1; status=$?; times; exit $status';

/** CPU (user + sys) of one run of the built CLI, in ms; throws with the CLI's own error when it fails. */
export function cpuOfRun(args: string[], root: string): number {
	const cli = join(root, 'dist/cli.js');
	const env = {...process.env, ...benchEnv, CI: '1'};
	const result = spawnSync('bash', ['-c', cpuScript, 'pgha-cpu', process.execPath, cli, ...args], {cwd: root, env, encoding: 'utf8'});
	if (result.status !== 0) {
		const again = spawnSync(process.execPath, [cli, ...args], {cwd: root, env, encoding: 'utf8'});
		throw new Error(`pgha ${args.join(' ')} exited ${result.status}: ${again.stderr}`);
	}
	// The second line is the children's: "0m0.061s 0m0.008s".
	const children = result.stdout.trim().split('\n').at(-1) ?? '';
	const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(([, minutes, secs]) => Number(minutes) * 60 + Number(secs));
	if (seconds.length !== 2) throw new Error(`cannot read bash's times output: ${result.stdout}`);
	return (seconds[0]! + seconds[1]!) * 1000;
}

/** The median CPU of `runs` runs of the built CLI, in ms. */
export function medianCpu(args: string[], root: string, runs: number): number {
	return Math.round(median(Array.from({length: runs}, () => cpuOfRun(args, root))) * 10) / 10;
}

const escapes = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Wall time from spawning the built `pgha` (no command) in a pseudo-terminal
 * until the first frame with something to read arrives, in ms. It runs with
 * an empty home, so no saved cluster is listed; it is asked to quit (q), and
 * killed by its pid if it has not left within 3 s.
 */
export async function wizardFirstFrame(root: string): Promise<number> {
	const home = mkdtempSync(join(tmpdir(), 'pgha-bench-home-'));
	try {
		const env = {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PGHA_HOME: join(home, 'pgha'), TERM: 'xterm-256color', LANG: 'C.UTF-8'};
		// script(1) gives pgha a terminal; stty sizes it as a person's would be, exec keeps one process.
		const command = `stty cols 120 rows 40 && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'dist/cli.js'))}`;
		const started = performance.now();
		const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: root, env, stdio: ['pipe', 'pipe', 'ignore']});
		const exited = new Promise<void>(resolve => child.on('close', () => resolve()));
		let output = '';
		const frameMs = await new Promise<number>((resolve, reject) => {
			const timeout = setTimeout(() => reject(new Error(`no frame within 10 s; the terminal showed: ${JSON.stringify(output.slice(0, 400))}`)), 10_000);
			child.stdout.on('data', (chunk: Buffer) => {
				output += chunk.toString('utf8');
				if (output.replace(escapes, '').trim()) {
					clearTimeout(timeout);
					resolve(performance.now() - started);
				}
			});
			child.on('error', reject);
			void exited.then(() => reject(new Error(`pgha left before its first frame; the terminal showed: ${JSON.stringify(output.slice(0, 400))}`)));
		}).catch(async (error: unknown) => {
			child.kill('SIGKILL');
			throw error;
		});
		child.stdin.write('q');
		const kill = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 3000);
		await exited;
		clearTimeout(kill);
		return frameMs;
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
}

/** Why the wizard's start cannot be measured here, if it cannot. */
function wizardUnavailable(): string | undefined {
	if (process.platform !== 'linux') return 'needs Linux (script from util-linux)';
	if (spawnSync('script', ['--version'], {stdio: 'ignore'}).status !== 0) return 'script (util-linux) is not installed';
	return undefined;
}

/**
 * Times pgha's start-up with the built CLI (run `npm run build` first): the
 * CPU of `--version` and of `validate` on the seed example, and the wizard's
 * first frame from process start, each the median of `runs` runs.
 */
export async function benchStartup(runs = 10, options: {wizard?: boolean} = {}): Promise<StartupBench> {
	const root = projectRoot();
	if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing; build with `npm run build` first');
	const versionCpuMs = medianCpu(['--version'], root, runs);
	const validateCpuMs = medianCpu(['validate', 'examples/seed-topology.yaml'], root, runs);
	const wizardSkipped = options.wizard === false ? 'PGHA_BENCH_UI=0' : wizardUnavailable();
	if (wizardSkipped) return {versionCpuMs, validateCpuMs, wizardSkipped};
	const frames: number[] = [];
	for (let i = 0; i < runs; i++) frames.push(await wizardFirstFrame(root));
	return {versionCpuMs, validateCpuMs, wizardFirstFrameMs: Math.round(median(frames) * 10) / 10};
}

/** The figures of a start-up bench, for the bench's table. */
export function startupFigures(bench: StartupBench): Figure[] {
	return [
		{name: 'pgha --version CPU (median, user+sys)', value: bench.versionCpuMs, unit: 'ms'},
		{name: 'pgha validate CPU (median, user+sys)', value: bench.validateCpuMs, unit: 'ms'},
		...(bench.wizardFirstFrameMs !== undefined ? [{name: 'wizard first frame from process start (median, pty)', value: bench.wizardFirstFrameMs, unit: 'ms' as const}] : []),
	];
}

/** One line per figure. */
export function formatStartup(bench: StartupBench): string {
	return [
		`--version  CPU median ${bench.versionCpuMs} ms`,
		`validate   CPU median ${bench.validateCpuMs} ms`,
		bench.wizardFirstFrameMs !== undefined ? `wizard     first frame ${bench.wizardFirstFrameMs} ms from process start (median)` : `wizard     first frame not measured: ${bench.wizardSkipped}`,
	].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(formatStartup(await benchStartup()));

import {spawn, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';

// The built CLI: the lab benches run from dist/bench/ (npm run bench).
const cli = join(import.meta.dirname, '..', 'cli.js');

/** The lab's answer file, as far as the benches read it. */
export type LabAnswers = {cluster: {name: string}; ssh: {identityFile: string}; hosts: Array<{name: string; ip: string; roles: string[]}>; network: {vip: string}; passwords: Record<string, string>};

/** Runs the built CLI with no terminal (CI set): wall time, start-up included; exit code; stdout and stderr. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): {ms: number; code: number; stdout: string} {
	const start = Date.now();
	const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', env: {...process.env, CI: 'true', ...env}, maxBuffer: 64 * 1024 * 1024});
	return {ms: Date.now() - start, code: result.status ?? 1, stdout: result.stdout + result.stderr};
}

/** How many times the runs an operator repeats all day (a no-op re-run, repair --check) are timed; the median is the figure. */
export const repeatedRuns = 5;

/**
 * Runs the built CLI `times` times in a row: the median wall time, every
 * time (for the spread), and the worst exit code with the output of the last
 * run that had it (else of the last run).
 */
export function runCliRepeated(args: string[], env: NodeJS.ProcessEnv, times = repeatedRuns): {ms: number; all: number[]; code: number; stdout: string} {
	const runs = Array.from({length: times}, () => runCli(args, env));
	const all = runs.map(r => r.ms);
	const worst = runs.reduce((a, b) => (b.code >= a.code ? b : a));
	return {ms: median(all), all, code: worst.code, stdout: worst.stdout};
}

/** The median of some numbers (the mean of the middle two for an even count). Pure. */
export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "3.1 s (2.9-3.4 s, 5 runs)": a repeated run's median and spread. */
export function spread(run: {ms: number; all: readonly number[]}): string {
	const s = (ms: number) => (ms / 1000).toFixed(1);
	return `${s(run.ms)} s (${s(Math.min(...run.all))}-${s(Math.max(...run.all))} s, ${run.all.length} runs)`;
}

/** Phase wall times from a run log: each `== phase (...)` line to its `== phase done`. */
export function phaseTimes(log: string): Array<{phase: string; ms: number; start: number; end: number}> {
	const out: Array<{phase: string; ms: number; start: number; end: number}> = [];
	const open = new Map<string, number>();
	for (const line of log.split('\n')) {
		const match = line.match(/^(\S+) == (\S+) (\(|done|FAILED)/);
		if (!match) continue;
		const at = Date.parse(match[1]!);
		if (match[3] === '(') open.set(match[2]!, at);
		else if (open.has(match[2]!)) out.push({phase: match[2]!, ms: at - open.get(match[2]!)!, start: open.get(match[2]!)!, end: at});
	}
	return out;
}

function meminfo(): string | undefined {
	try {
		return readFileSync('/proc/meminfo', 'utf8');
	} catch {
		return undefined;
	}
}

const meminfoKB = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? Number.NaN);

/** The machine's memory in use (MemTotal - MemAvailable) in MB, from /proc/meminfo's text; undefined when it does not tell. */
export function memoryInUseMB(text: string | undefined = meminfo()): number | undefined {
	if (text === undefined) return undefined;
	const used = meminfoKB(text, 'MemTotal') - meminfoKB(text, 'MemAvailable');
	return Number.isFinite(used) ? (used * 1024) / 1e6 : undefined;
}

/** The machine's available memory, e.g. "21.3 GiB", for the line before a lab goes up. */
export function availableMemory(text: string | undefined = meminfo()): string {
	const kB = text === undefined ? Number.NaN : meminfoKB(text, 'MemAvailable');
	return Number.isFinite(kB) ? `${(kB / 2 ** 20).toFixed(1)} GiB` : 'unknown';
}

/** One reading of the machine's CPU time (/proc/stat's first line, in ticks): when, busy and all. */
export type CpuSample = {at: number; busy: number; total: number};

/** busy and total ticks from /proc/stat's "cpu" line (idle and iowait are not busy). Pure. */
export function parseCpuLine(line: string): {busy: number; total: number} | undefined {
	const ticks = line.trim().split(/\s+/).slice(1).map(Number);
	if (ticks.length < 5 || ticks.some(n => !Number.isFinite(n))) return undefined;
	const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
	return {busy: total - ticks[3]! - ticks[4]!, total};
}

/**
 * Samples the machine's CPU every half second in a child process while a
 * synchronous run goes on (the bench runs the CLI with spawnSync, which holds
 * this process's event loop, so the samples go to a file); stop() ends it and
 * returns them.
 */
export function sampleCpu(file: string): {stop: () => CpuSample[]} {
	const child = spawn('sh', ['-c', 'while :; do echo "$(date +%s%3N) $(head -1 /proc/stat)" >> "$1"; sleep 0.5; done', 'sampler', file], {stdio: 'ignore'});
	return {
		stop() {
			child.kill();
			let text = '';
			try {
				text = readFileSync(file, 'utf8');
			} catch {
				return [];
			}
			return text.split('\n').flatMap(line => {
				const at = Number(line.split(' ')[0]);
				const cpu = parseCpuLine(line.slice(line.indexOf(' ') + 1));
				return Number.isFinite(at) && cpu ? [{at, ...cpu}] : [];
			});
		},
	};
}

/** The share of CPU time the machine spent busy between two instants, from the samples nearest inside them; undefined without two. Pure. */
export function busyShare(samples: readonly CpuSample[], from: number, to: number): number | undefined {
	const inside = samples.filter(s => s.at >= from && s.at <= to);
	const first = inside[0];
	const last = inside.at(-1);
	if (!first || !last || last.total === first.total) return undefined;
	return (last.busy - first.busy) / (last.total - first.total);
}

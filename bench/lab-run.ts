import {spawnSync} from 'node:child_process';
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

/** Phase wall times from a run log: each `== phase (...)` line to its `== phase done`. */
export function phaseTimes(log: string): Array<{phase: string; ms: number}> {
	const out: Array<{phase: string; ms: number}> = [];
	const open = new Map<string, number>();
	for (const line of log.split('\n')) {
		const match = line.match(/^(\S+) == (\S+) (\(|done|FAILED)/);
		if (!match) continue;
		const at = Date.parse(match[1]!);
		if (match[3] === '(') open.set(match[2]!, at);
		else if (open.has(match[2]!)) out.push({phase: match[2]!, ms: at - open.get(match[2]!)!});
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

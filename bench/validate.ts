import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

/** Wall times of one command over several runs, Node start-up included. */
export type BenchResult = {name: string; command: string; runs: number; medianMs: number; minMs: number; maxMs: number};

/** Placeholder secrets: validate and plan only need them to be strong. */
export const benchEnv = {
	PGHA_SUPERUSER_PASSWORD: 'Bench-Superuser-Password-1',
	PGHA_REPLICATION_PASSWORD: 'Bench-Replication-Password-2',
	PGHA_APP_PASSWORD: 'Bench-App-Password-3',
	PGHA_PATRONI_API_PASSWORD: 'Bench-Api-Password-4',
	PGHA_VRRP_PASSWORD: 'bench123',
	PGHA_BACKUP_CIPHER: 'Bench-Backup-Cipher-Passphrase-5',
};

/** The project's root, from bench/ (tsx) and from dist/bench/ (compiled) alike: it has package.json. */
export function projectRoot(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(dir, 'package.json'))) {
		const parent = dirname(dir);
		if (parent === dir) throw new Error('cannot find the project root (package.json)');
		dir = parent;
	}
	return dir;
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function time(name: string, args: string[], root: string, runs: number): BenchResult {
	const cli = join(root, 'dist/cli.js');
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		const result = spawnSync(process.execPath, [cli, ...args], {cwd: root, env: {...process.env, ...benchEnv, CI: '1'}, encoding: 'utf8'});
		times.push(performance.now() - start);
		if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
	}
	const round = (ms: number) => Math.round(ms * 10) / 10;
	return {name, command: `node dist/cli.js ${args.join(' ')}`, runs, medianMs: round(median(times)), minMs: round(Math.min(...times)), maxMs: round(Math.max(...times))};
}

/**
 * Times `pgha validate` and `pgha plan` on the seed example with the built CLI
 * (run `npm run build` first): the median of `runs` runs each.
 */
export function benchValidate(runs = 10): BenchResult[] {
	const root = projectRoot();
	if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing; build with `npm run build` first');
	return [
		time('validate', ['validate', 'examples/seed-topology.yaml'], root, runs),
		time('plan', ['plan', '--answers', 'examples/seed-topology.yaml'], root, runs),
	];
}

/** One line per command. */
export function formatBench(results: BenchResult[]): string {
	return results.map(r => `${r.name.padEnd(9)} median ${r.medianMs} ms (min ${r.minMs}, max ${r.maxMs}, ${r.runs} runs): ${r.command}`).join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(formatBench(benchValidate()));

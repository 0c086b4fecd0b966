import {spawn} from 'node:child_process';
import {mkdirSync, rmdirSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {root} from '../answers/fixtures.js';

export type CliResult = {code: number | null; stdout: string; stderr: string};

/** The newest modification time under a directory, in ms. */
function newest(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...readdirSync(path).map(entry => newest(join(path, entry))));
}

/**
 * Bundles dist/cli.js (build-cli.mjs, as `npm run build` does after tsc) when
 * it is missing or older than the sources. Test files run in parallel workers,
 * so a directory lock lets one build and the others wait for it.
 */
export async function ensureBuilt(): Promise<void> {
	const cli = join(root, 'dist/cli.js');
	const stale = () => {
		try {
			return statSync(cli).mtimeMs < Math.max(...['source', 'recipes', 'cli.tsx', 'build-cli.mjs', 'package.json'].map(path => newest(join(root, path))));
		} catch {
			return true;
		}
	};
	if (!stale()) return;
	const lock = join(root, 'dist.build-lock');
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			await new Promise(resolve => setTimeout(resolve, 250));
		}
	}
	let output = '';
	try {
		if (!stale()) return;
		// esbuild does not typecheck, so a type error elsewhere does not stop
		// the build; the CLI tests then show whether what they need works.
		const built = await runProcess(process.execPath, [join(root, 'build-cli.mjs')], process.env);
		output = built.stderr + built.stdout;
	} finally {
		rmdirSync(lock);
	}
	if (stale()) throw new Error(`dist/cli.js was not built; run \`node build-cli.mjs\` and look at its errors:\n${output}`);
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {cwd: root, env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('error', reject);
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

/** Runs the built CLI with only the given environment (plus PATH), never on a TTY. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
	return runProcess(process.execPath, [join(root, 'dist/cli.js'), ...args], {PATH: process.env['PATH'], HOME: tmpdir(), CI: '1', ...env});
}

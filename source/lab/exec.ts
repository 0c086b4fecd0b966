import {spawn} from 'node:child_process';

/** What a finished command left behind. */
export type ExecResult = {code: number; stdout: string; stderr: string};

export type ExecOptions = {
	input?: string;
	env?: NodeJS.ProcessEnv;
	/** Milliseconds before the command is killed (default 2 minutes). */
	timeoutMs?: number;
};

/** A machine command that failed, with what it printed. */
export class CommandError extends Error {
	constructor(
		readonly argv: readonly string[],
		readonly result: ExecResult,
	) {
		const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
		super(`\`${argv.join(' ')}\` failed (exit ${result.code})${detail ? `: ${detail}` : ''}`);
		this.name = 'CommandError';
	}
}

/** Runs a command without a shell and collects its output; never rejects on a non-zero exit. */
export function exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe']});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
		child.on('error', error => {
			clearTimeout(timer);
			reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(`${command} is not installed`) : error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')});
		});
		child.stdin.on('error', () => undefined);
		child.stdin.end(options.input ?? '');
	});
}

/** Runs a command and rejects with its output when it fails. */
export async function run(command: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
	const result = await exec(command, args, options);
	if (result.code !== 0) throw new CommandError([command, ...args], result);
	return result.stdout;
}

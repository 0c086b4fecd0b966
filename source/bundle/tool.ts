import {spawn} from 'node:child_process';
import {accessSync, constants} from 'node:fs';
import {delimiter, join} from 'node:path';

/** What a finished machine command printed, and how it ended. */
export type ToolResult = {code: number; stdout: string; stderr: string};

/** The full path of a command on PATH, or undefined when it is not there. */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
	for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
		const file = join(dir, command);
		try {
			accessSync(file, constants.X_OK);
			return file;
		} catch {
			// Not in this directory.
		}
	}
	return undefined;
}

/** Runs a command without a shell and collects its output; never rejects on a non-zero exit, only when it cannot start or is aborted. */
export function runTool(command: string, args: readonly string[], options: {signal?: AbortSignal; env?: NodeJS.ProcessEnv} = {}): Promise<ToolResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('aborted'));
			resolve({code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')});
		});
	});
}

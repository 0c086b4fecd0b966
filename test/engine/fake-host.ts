import type {HostConnection, RunOptions, RunResult} from '../../source/transport/ssh.js';
import {RemoteCommandError} from '../../source/transport/ssh.js';

/**
 * A stand-in for an SSH connection: a map of files and a handler for scripts.
 * Unit tests only; the end-to-end suite uses real hosts.
 */
export function fakeHost(name: string, handler: (script: string, stdin?: string) => Partial<RunResult> = () => ({})) {
	const scripts: string[] = [];
	/** How many commands each batch carried. */
	const batches: number[] = [];
	const conn = {
		name,
		ip: '10.0.0.1',
		fingerprint: 'SHA256:fake',
		scripts,
		async run(script: string, options: RunOptions = {}): Promise<RunResult> {
			scripts.push(script);
			const result = {code: 0, stdout: '', stderr: '', ...handler(script, options.stdin)};
			for (const line of result.stdout.split('\n').filter(Boolean)) options.onLine?.('stdout', line);
			if (options.check !== false && result.code !== 0) throw new RemoteCommandError(name, script, result);
			return result;
		},
		async runBatch(items: Array<{script: string; stdin?: string}>): Promise<RunResult[]> {
			batches.push(items.length);
			return Promise.all(items.map(item => conn.run(item.script, {stdin: item.stdin, check: false})));
		},
		batches,
		async writeFile() {},
		async readFile() {
			return undefined;
		},
		close() {},
	};
	return conn as unknown as HostConnection & {scripts: string[]; batches: number[]};
}

import {spawn, type ChildProcess} from 'node:child_process';
import {accessSync, constants} from 'node:fs';
import {createConnection, createServer} from 'node:net';

/** The absolute path of a program in the given directories, if installed. */
export function findTool(name: string, dirs = ['/usr/sbin', '/usr/bin', '/sbin', '/bin']): string | undefined {
	for (const dir of dirs) {
		try {
			accessSync(`${dir}/${name}`, constants.X_OK);
			return `${dir}/${name}`;
		} catch {
			// not in this directory
		}
	}
	return undefined;
}

export type RunResult = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

/** Runs a program to its end (or kills it after the timeout) and collects its output. */
export function run(
	command: string,
	args: string[],
	options: {env?: NodeJS.ProcessEnv; uid?: number; gid?: number; timeoutMs?: number; cwd?: string; input?: string} = {},
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			env: options.env ?? process.env,
			uid: options.uid,
			gid: options.gid,
			cwd: options.cwd,
			stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', chunk => (stdout += chunk));
		child.stderr!.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
		if (child.stdin) {
			// A program may exit before reading its input; that is its answer, not an error here.
			child.stdin.on('error', () => {});
			child.stdin.end(options.input);
		}
	});
}

/** A long-running program started for a check; `stop` ends it by its own pid. */
export type Daemon = {child: ChildProcess; output: () => string; stop: () => Promise<void>};

export function startDaemon(command: string, args: string[], options: {env?: NodeJS.ProcessEnv; uid?: number; gid?: number; stopSignal?: NodeJS.Signals} = {}): Daemon {
	const child = spawn(command, args, {env: options.env ?? process.env, uid: options.uid, gid: options.gid, stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout!.on('data', chunk => (output += chunk));
	child.stderr!.on('data', chunk => (output += chunk));
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	return {
		child,
		output: () => output,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill(options.stopSignal ?? 'SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/** A TCP port nobody listens on right now, on loopback. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** True when something accepts TCP connections there. */
export function portOpen(host: string, port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = createConnection({host, port});
		socket.setTimeout(1_000);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

/** Polls until `probe` holds, or fails with what `why` says at the time. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await probe().catch(() => false))) {
		if (Date.now() > deadline) throw new Error(`timed out: ${why()}`);
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

/**
 * Moves every IPv4 address of a rendered file onto loopback (a.b.c.d becomes
 * 127.b.c.d), so a real tool can bind and connect without leaving this machine.
 */
export function toLoopback(text: string): string {
	return text.replace(/\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g, (_all, _a, b, c, d) => `127.${b}.${c}.${d}`);
}

/** The uid and gid of a local user, if it exists. */
export async function userIds(name: string): Promise<{uid: number; gid: number} | undefined> {
	const uid = await run('id', ['-u', name]);
	const gid = await run('id', ['-g', name]);
	if (uid.code !== 0 || gid.code !== 0) return undefined;
	return {uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim())};
}

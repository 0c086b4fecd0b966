import {spawn} from 'node:child_process';
import {mkdir, open, readFile, writeFile} from 'node:fs/promises';
import {request} from 'node:http';
import {connect} from 'node:net';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {packageCacheConf} from './host-files.js';
import type {Mirrors} from '../bundle/machine-mirrors.js';
import type {LabPaths} from './paths.js';
import {isOurProcess, stopProcess, type ArgvMatch} from './processes.js';
import {labNetwork} from './topology.js';

/** Recognises the lab's own apt-cacher-ng by the config directory it was given. */
export function packageCacheMatch(paths: LabPaths): ArgvMatch {
	const confDir = join(paths.packageCacheDir, 'conf');
	return argv => (argv[0] ?? '').endsWith('apt-cacher-ng') && argv.includes(confDir);
}

/**
 * Starts apt-cacher-ng in the foreground with a config of its own, so the
 * machine's /etc/apt-cacher-ng is never read or changed. It listens on the
 * bridge address only. Returns its pid once it accepts connections.
 */
export async function startPackageCache(paths: LabPaths, mirrors: Mirrors): Promise<number> {
	const dir = paths.packageCacheDir;
	const confDir = join(dir, 'conf');
	const logDir = join(dir, 'log');
	await mkdir(confDir, {recursive: true, mode: 0o700});
	await mkdir(logDir, {recursive: true});
	await mkdir(paths.packages, {recursive: true});
	const conf = packageCacheConf({cacheDir: paths.packages, logDir, socket: join(dir, 'socket'), pidFile: join(dir, 'pid'), mirrors});
	await writeFile(join(confDir, 'acng.conf'), conf);
	const output = await open(join(logDir, 'output.log'), 'a');
	try {
		const child = spawn('apt-cacher-ng', ['-c', confDir], {detached: true, stdio: ['ignore', output.fd, output.fd]});
		const pid = child.pid;
		child.on('error', () => undefined);
		child.unref();
		if (!pid) throw new Error('apt-cacher-ng did not start');
		const deadline = Date.now() + 15_000;
		while (Date.now() < deadline) {
			if (!(await isOurProcess(pid, packageCacheMatch(paths)))) {
				const log = await readFile(join(logDir, 'output.log'), 'utf8').catch(() => '');
				throw new Error(`apt-cacher-ng exited at start${log.trim() ? `: ${log.trim().split('\n').slice(-3).join(' ')}` : ''} (is port ${labNetwork.packageCachePort} taken on ${labNetwork.bridgeIp}?)`);
			}
			if (await portOpen(labNetwork.bridgeIp, labNetwork.packageCachePort)) return pid;
			await sleep(100);
		}
		await stopProcess(pid, packageCacheMatch(paths), 5_000);
		throw new Error(`apt-cacher-ng did not listen on ${labNetwork.bridgeIp}:${labNetwork.packageCachePort} within 15 s`);
	} finally {
		await output.close();
	}
}

/** Stops the lab's apt-cacher-ng by its recorded pid. */
export async function stopPackageCache(paths: LabPaths, pid: number | undefined): Promise<boolean> {
	return (await stopProcess(pid, packageCacheMatch(paths), 10_000)) !== 'not-running';
}

/** True when something accepts TCP connections there. */
export function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
	return new Promise(resolve => {
		const socket = connect({host, port});
		const done = (open: boolean) => {
			socket.destroy();
			resolve(open);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
	});
}

/**
 * Fetches an archive's Release file through the cache, as a host's apt would:
 * proves the archive is reachable that way before the hosts depend on it.
 */
export async function fetchThroughCache(url: string, attempts = 3): Promise<{ok: boolean; status: string}> {
	let outcome = {ok: false, status: 'not tried'};
	for (let attempt = 1; attempt <= attempts && !outcome.ok; attempt++) {
		if (attempt > 1) await sleep(1_000);
		outcome = await fetchOnce(url, 30_000);
		// A refusal is an answer; only a lost connection or a timeout is worth another try.
		if (outcome.status.startsWith('HTTP 4')) break;
	}
	return outcome;
}

function fetchOnce(url: string, timeoutMs: number): Promise<{ok: boolean; status: string}> {
	return new Promise(resolve => {
		const req = request(
			// agent: false: a fresh connection each time, never a kept-alive one the cache has since closed.
			{host: labNetwork.bridgeIp, port: labNetwork.packageCachePort, method: 'GET', path: url, headers: {host: new URL(url).host}, timeout: timeoutMs, agent: false},
			res => {
				res.resume();
				res.on('end', () => resolve({ok: res.statusCode === 200, status: `HTTP ${res.statusCode}`}));
				res.on('error', error => resolve({ok: false, status: error.message}));
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
		req.on('error', error => resolve({ok: false, status: error.message}));
		req.end();
	});
}

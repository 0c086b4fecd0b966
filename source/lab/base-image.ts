import {spawn} from 'node:child_process';
import {mkdir, open, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {run} from './exec.js';
import {unmountUnder} from './mounts.js';
import {findProcesses, killTree} from './processes.js';

/** Packages the base image carries beyond minbase: what a booted, reachable host needs. */
export const basePackages = ['systemd', 'systemd-sysv', 'openssh-server', 'iproute2', 'dbus', 'sudo', 'ca-certificates', 'gnupg', 'procps'];

/** The debootstrap command line that builds the base image into dir. */
export function debootstrapArgs(dir: string, mirror: string): string[] {
	return ['--variant=minbase', `--include=${basePackages.join(',')}`, 'bookworm', dir, mirror];
}

/** True when a finished base image is at path (only a complete build is ever renamed there). */
export async function baseImageReady(path: string): Promise<boolean> {
	const init = await stat(join(path, 'usr/lib/systemd/systemd')).catch(() => undefined);
	return Boolean(init?.isFile());
}

/**
 * Builds the base image unless it is cached. The build happens in a
 * `.partial` directory renamed into place only when complete, so an
 * interrupted build is never booted; leftovers of one are removed first.
 */
export async function ensureBaseImage(path: string, mirror: string, log: (line: string) => void): Promise<'cached' | 'built'> {
	if (await baseImageReady(path)) return 'cached';
	const parent = dirname(path);
	await mkdir(parent, {recursive: true});
	for (const leftover of await removePartials(path)) log(`lab: removed an unfinished base image build (${leftover})`);
	if (await stat(path).catch(() => undefined)) await removeTree(path);
	const partial = `${path}.partial-${process.pid}`;
	const logFile = `${path}.build.log`;
	log(`lab: building the base image with debootstrap from ${mirror} (about a minute; log in ${logFile})`);
	const output = await open(logFile, 'w');
	try {
		const code = await new Promise<number>((resolve, reject) => {
			const child = spawn('debootstrap', debootstrapArgs(partial, mirror), {stdio: ['ignore', output.fd, output.fd]});
			child.on('error', reject);
			child.on('close', (exit, signal) => resolve(exit ?? (signal ? 128 : 1)));
		});
		if (code !== 0) {
			await unmountUnder(partial);
			throw new Error(`debootstrap failed (exit ${code}); see ${logFile}`);
		}
	} finally {
		await output.close();
	}
	await unmountUnder(partial);
	await finishBaseImage(partial);
	await rename(partial, path);
	return 'built';
}

/**
 * Takes out what would make every host the same machine (SSH host keys,
 * machine id) or what no host should use (the machine's resolv.conf and
 * apt sources): each host gets its own when it is made.
 */
async function finishBaseImage(root: string): Promise<void> {
	const sshDir = join(root, 'etc/ssh');
	for (const entry of await readdir(sshDir)) if (entry.startsWith('ssh_host_')) await rm(join(sshDir, entry), {force: true});
	await writeFile(join(root, 'etc/machine-id'), '');
	await rm(join(root, 'var/lib/dbus/machine-id'), {force: true});
	await rm(join(root, 'etc/apt/sources.list'), {force: true});
	await rm(join(root, 'etc/resolv.conf'), {force: true});
	await writeFile(join(root, 'etc/resolv.conf'), '');
	// The downloaded .debs: the hosts fetch packages through the cache instead.
	const archives = join(root, 'var/cache/apt/archives');
	for (const entry of await readdir(archives).catch(() => [] as string[])) if (entry.endsWith('.deb')) await rm(join(archives, entry));
}

/** Removes the base image (and any unfinished build of it). */
export async function removeBaseImage(path: string): Promise<void> {
	await removePartials(path);
	await removeTree(path);
	await rm(`${path}.build.log`, {force: true});
}

async function removePartials(path: string): Promise<string[]> {
	const prefix = `${basename(path)}.partial-`;
	const entries = await readdir(dirname(path)).catch(() => [] as string[]);
	const removed: string[] = [];
	for (const entry of entries) {
		if (!entry.startsWith(prefix)) continue;
		const partial = join(dirname(path), entry);
		// A debootstrap whose lab up was killed may still be writing there.
		for (const pid of await findProcesses(argv => argv.includes(partial))) await killTree(pid);
		await removeTree(partial);
		removed.push(partial);
	}
	return removed;
}

// An interrupted debootstrap leaves /proc and /sys mounted inside its target:
// those go first, and rm never crosses into another filesystem.
async function removeTree(path: string): Promise<void> {
	await unmountUnder(path);
	await run('rm', ['-rf', '--one-file-system', '--', path]);
}

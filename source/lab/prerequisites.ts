import {access, constants, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {UserError} from '../errors.js';
import {exec} from './exec.js';

/** Refuses to go on unless this is Linux and we are root: the lab makes namespaces, mounts and links. */
export function requireLinuxRoot(platform: NodeJS.Platform = process.platform, uid: number | undefined = process.getuid?.()): void {
	if (platform !== 'linux') throw new UserError(`pgha lab needs Linux (network namespaces, overlayfs, systemd-nspawn); this is ${platform}`);
	if (uid !== 0) throw new UserError('pgha lab needs root: it creates network namespaces, a bridge, overlay mounts and containers. Run it with sudo.');
}

/** A command the lab runs on the machine, and the Debian package that provides it. */
export const labTools: ReadonlyArray<{command: string; pkg: string}> = [
	{command: 'debootstrap', pkg: 'debootstrap'},
	{command: 'systemd-nspawn', pkg: 'systemd-container'},
	{command: 'apt-cacher-ng', pkg: 'apt-cacher-ng'},
	{command: 'ssh', pkg: 'openssh-client'},
	{command: 'ssh-keygen', pkg: 'openssh-client'},
	{command: 'ip', pkg: 'iproute2'},
];

/** The packages to install for the commands that are missing (each package once). */
export function packagesFor(missing: readonly string[]): string[] {
	return [...new Set(labTools.filter(tool => missing.includes(tool.command)).map(tool => tool.pkg))];
}

const searchPath = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

async function onPath(command: string): Promise<boolean> {
	const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...searchPath];
	for (const dir of dirs) {
		try {
			await access(join(dir, command), constants.X_OK);
			return true;
		} catch {
			// Not in this directory.
		}
	}
	return false;
}

/** The lab's commands that are not installed. */
export async function missingTools(): Promise<string[]> {
	const missing: string[] = [];
	for (const tool of labTools) if (!(await onPath(tool.command))) missing.push(tool.command);
	return missing;
}

/**
 * Installs the Debian packages the lab needs with apt-get, saying so. While
 * installing, a policy-rc.d keeps Debian from starting the packaged
 * apt-cacher-ng service: the lab runs its own, and the machine's would hold
 * port 3142.
 */
export async function ensureTools(log: (line: string) => void): Promise<void> {
	const missing = await missingTools();
	if (missing.length === 0) return;
	const packages = packagesFor(missing);
	log(`lab: installing ${packages.join(', ')} with apt-get (missing: ${missing.join(', ')})`);
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !(await stat(policy).catch(() => undefined));
	if (ownPolicy) await writeFile(policy, '#!/bin/sh\n# Written by pgha lab while it installs packages; removed afterwards.\nexit 101\n', {mode: 0o755});
	try {
		const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'};
		const install = () => exec('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {env, timeoutMs: 600_000});
		let result = await install();
		if (result.code !== 0) {
			await exec('apt-get', ['update'], {env, timeoutMs: 600_000});
			result = await install();
		}
		if (result.code !== 0)
			throw new UserError(`could not install ${packages.join(', ')} with apt-get (${result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`}); install them and run pgha lab up again`);
	} finally {
		if (ownPolicy && (await readFile(policy, 'utf8').catch(() => '')).includes('pgha lab')) await rm(policy, {force: true});
	}
	const still = await missingTools();
	if (still.length > 0) throw new UserError(`still missing after apt-get: ${still.join(', ')} (packages ${packagesFor(still).join(', ')})`);
}

/** Refuses to go on when the kernel cannot mount overlayfs. */
export async function requireOverlayfs(): Promise<void> {
	const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
	if (/\boverlay\b/.test(filesystems)) return;
	await exec('modprobe', ['overlay']).catch(() => undefined);
	if (!/\boverlay\b/.test(await readFile('/proc/filesystems', 'utf8').catch(() => '')))
		throw new UserError('the kernel has no overlayfs (overlay module); the lab needs it for its hosts');
}

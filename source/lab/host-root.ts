import {createHash, randomBytes} from 'node:crypto';
import {chmod, lstat, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {dirname, join, relative, resolve} from 'node:path';
import {run} from './exec.js';
import {aptProxyConf, aptSources, hostsFile, resolvConf} from './host-files.js';
import type {Mirrors} from '../bundle/machine-mirrors.js';

/**
 * Writes a file inside a host's root. A symlink already at that path is
 * replaced, never followed: in the image an absolute link would point into
 * the machine's own filesystem.
 */
export async function writeInRoot(root: string, path: string, content: string, mode = 0o644): Promise<void> {
	const target = resolve(root, `.${path}`);
	if (relative(root, target).startsWith('..')) throw new Error(`${path} is outside the host's root`);
	let dir = root;
	for (const part of relative(root, dirname(target)).split('/').filter(Boolean)) {
		dir = join(dir, part);
		const parent = await lstat(dir).catch(() => undefined);
		if (!parent) await mkdir(dir, {mode: 0o755});
		else if (!parent.isDirectory()) throw new Error(`${dir} is not a directory; refusing to write through it`);
	}
	const stat = await lstat(target).catch(() => undefined);
	if (stat && !stat.isFile()) await rm(target, {force: true});
	await writeFile(target, content, {mode});
	await chmod(target, mode);
}

/** What a host needs before it boots. */
export type HostSetup = {
	root: string;
	name: string;
	hosts: ReadonlyArray<{name: string; ip: string}>;
	publicKey: string;
	mirrors: Mirrors;
	withSecurity: boolean;
	/** No package source at all: the hosts install from a bundle pgha copies to them. */
	offline: boolean;
};

/**
 * Makes the base image into this host: its name, the lab's hosts, the lab
 * key for root, apt through the package cache (or no package source at all), and identities (machine id,
 * SSH host keys) of its own. Identities are made once; the rest is rewritten
 * on every start so it follows the lab.
 */
export async function prepareHostRoot(setup: HostSetup): Promise<void> {
	const {root} = setup;
	await writeInRoot(root, '/etc/hostname', `${setup.name}\n`);
	await writeInRoot(root, '/etc/hosts', hostsFile(setup.name, setup.hosts));
	await writeInRoot(root, '/etc/resolv.conf', resolvConf());
	await mkdir(join(root, 'root/.ssh'), {recursive: true, mode: 0o700});
	await chmod(join(root, 'root/.ssh'), 0o700);
	await writeInRoot(root, '/root/.ssh/authorized_keys', setup.publicKey.endsWith('\n') ? setup.publicKey : `${setup.publicKey}\n`, 0o600);
	await rm(join(root, 'etc/apt/sources.list'), {force: true});
	if (setup.offline) {
		// Like a site with no Internet: apt on the host knows no archive at all.
		await rm(join(root, 'etc/apt/apt.conf.d/01pgha-lab-proxy'), {force: true});
		await rm(join(root, 'etc/apt/sources.list.d/debian.sources'), {force: true});
	} else {
		await writeInRoot(root, '/etc/apt/apt.conf.d/01pgha-lab-proxy', aptProxyConf());
		await writeInRoot(root, '/etc/apt/sources.list.d/debian.sources', aptSources(setup.mirrors, setup.withSecurity));
	}
	const machineId = await readFile(join(root, 'etc/machine-id'), 'utf8').catch(() => '');
	if (!/^[0-9a-f]{32}\s*$/.test(machineId)) await writeInRoot(root, '/etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
	// ssh-keygen -A makes only the host keys that are missing.
	await run('ssh-keygen', ['-A', '-f', root]);
}

/** Rewrites /etc/hosts of a host that may be running (a host was added). */
export async function updateHostsFile(root: string, name: string, hosts: ReadonlyArray<{name: string; ip: string}>): Promise<void> {
	await writeInRoot(root, '/etc/hosts', hostsFile(name, hosts));
}

/**
 * The SHA256 fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA...
 * comment`), as `ssh-keygen -lf` prints it; undefined for anything else.
 */
export function publicKeyFingerprint(line: string): string | undefined {
	const [type = '', base64 = ''] = line.trim().split(/\s+/);
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
	// The key itself starts with its type, length first: `ssh-ed25519` in the line and in the key.
	const blob = Buffer.from(base64, 'base64');
	if (blob.length < 4 || blob.toString('latin1', 4, 4 + blob.readUInt32BE(0)) !== type) return undefined;
	return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The fingerprint of the ed25519 SSH host key under a host's root (or its own
 * overlay layer), the key a console shows with
 * `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`; undefined when there is none.
 */
export async function hostKeyFingerprint(root: string): Promise<string | undefined> {
	const text = await readFile(join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').catch(() => undefined);
	return text === undefined ? undefined : publicKeyFingerprint(text);
}

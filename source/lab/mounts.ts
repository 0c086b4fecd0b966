import {mkdir, readFile} from 'node:fs/promises';
import {exec, run} from './exec.js';
import type {HostPaths} from './paths.js';

/** A line of /proc/mounts. */
export type MountEntry = {source: string; target: string; type: string; options: string};

// /proc/mounts writes spaces, tabs, newlines and backslashes as octal escapes.
function unescapeMount(field: string): string {
	return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses /proc/mounts text. */
export function parseMounts(text: string): MountEntry[] {
	return text
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [source = '', target = '', type = '', options = ''] = line.split(' ');
			return {source: unescapeMount(source), target: unescapeMount(target), type, options};
		});
}

/** Mounts at or below a directory, deepest first (the order to unmount them in). */
export function mountsUnder(mounts: readonly MountEntry[], dir: string): MountEntry[] {
	const prefix = dir.endsWith('/') ? dir : `${dir}/`;
	return mounts
		.filter(m => m.target === dir || m.target.startsWith(prefix))
		.sort((a, b) => b.target.length - a.target.length);
}

/** The machine's mounts now. */
export async function currentMounts(): Promise<MountEntry[]> {
	return parseMounts(await readFile('/proc/mounts', 'utf8'));
}

/** The overlay options of a host: the shared base below, its own layer on top. */
export function overlayOptions(baseImage: string, host: HostPaths): string {
	return `lowerdir=${baseImage},upperdir=${host.upper},workdir=${host.work}`;
}

/** Mounts a host's root (an overlay over the base image) unless it already is. */
export async function mountHostRoot(baseImage: string, host: HostPaths): Promise<void> {
	await mkdir(host.upper, {recursive: true, mode: 0o755});
	await mkdir(host.work, {recursive: true, mode: 0o700});
	await mkdir(host.root, {recursive: true, mode: 0o755});
	if ((await currentMounts()).some(m => m.target === host.root)) return;
	await run('mount', ['-t', 'overlay', 'overlay', '-o', overlayOptions(baseImage, host), host.root]);
}

/** True when the host's root is mounted. */
export async function isMounted(target: string): Promise<boolean> {
	return (await currentMounts()).some(m => m.target === target);
}

/**
 * Unmounts everything at or below dir. A mount still held busy is detached
 * lazily: it disappears from the tree now and is freed once unused.
 */
export async function unmountUnder(dir: string): Promise<string[]> {
	const done: string[] = [];
	for (const mount of mountsUnder(await currentMounts(), dir)) {
		const result = await exec('umount', [mount.target]);
		if (result.code !== 0) await run('umount', ['-l', mount.target]);
		done.push(mount.target);
	}
	return done;
}

/**
 * Throws away a host's own overlay layer: everything it ever wrote over the
 * base image (installed packages, data, its machine id and SSH host keys).
 * Mounted again, its root is the base image as a new host gets it. Refused
 * while anything is still mounted in the host's directory.
 */
export async function discardHostLayer(host: HostPaths, mounts?: readonly MountEntry[]): Promise<void> {
	const left = mountsUnder(mounts ?? (await currentMounts()), host.dir);
	if (left.length > 0) throw new Error(`${left.map(m => m.target).join(', ')} is still mounted; the host's disk was kept`);
	await run('rm', ['-rf', '--one-file-system', '--', host.upper, host.work]);
}

import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdir, readdir, rm} from 'node:fs/promises';
import {arch as machineArch} from 'node:os';
import {join} from 'node:path';
import {roleNames} from '../answers/schema.js';
import {createBundle} from '../bundle/create.js';
import type {Mirrors} from '../bundle/machine-mirrors.js';
import {packagesFor} from '../../recipes/index.js';
import {seconds} from './format.js';
import type {LabPaths} from './paths.js';

/** The Debian architecture of this machine, which the lab's hosts share. */
export function labArch(): string {
	return machineArch() === 'arm64' ? 'arm64' : 'amd64';
}

/**
 * The lab bundle's file name: it changes with the package list, the
 * architecture and the archives, so a new pgha that needs another package
 * makes a new bundle instead of installing from a stale one.
 */
export function labBundleName(mirrors: Mirrors, arch = labArch()): string {
	const wanted = Object.fromEntries(roleNames.map(role => [role, packagesFor({roles: [role]})]));
	const key = createHash('sha256').update(JSON.stringify({wanted, arch, mirrors})).digest('hex').slice(0, 12);
	return `lab-bookworm-${arch}-${key}.tar`;
}

/**
 * The lab's package bundle, built once from the machine's archives and kept
 * beside the base image; rebuilt only when missing or when the package list
 * changed (older lab bundles are removed then). Returns its path.
 */
export async function ensureLabBundle(paths: LabPaths, mirrors: Mirrors, log: (line: string) => void): Promise<{file: string; built: boolean}> {
	const dir = join(paths.cacheDir, 'bundles');
	const file = join(dir, labBundleName(mirrors));
	if (existsSync(file)) return {file, built: false};
	await mkdir(dir, {recursive: true});
	const started = Date.now();
	log(`lab: making the package bundle from ${mirrors.debian} (once; the hosts install from it with no package source)`);
	let last = 0;
	const {manifest, size} = await createBundle({
		output: file,
		roles: [...roleNames],
		arch: labArch(),
		mirror: mirrors.debian,
		cacheDir: join(paths.cacheDir, 'bundle-debs'),
		onProgress: event => {
			if (event.type === 'step' || event.type === 'warning') log(`lab: bundle: ${event.text}`);
			else if (event.type === 'stalled') log(`lab: bundle: ${event.file} stalled (no data for ${event.stallMs / 1000} s), attempt ${event.attempt} of ${event.attempts}`);
			else if (Date.now() - last >= 5000 || event.packagesDone === event.packagesTotal) {
				last = Date.now();
				log(`lab: bundle: ${event.packagesDone}/${event.packagesTotal} packages, ${(event.bytesDone / 1e6).toFixed(0)} of ${(event.bytesTotal / 1e6).toFixed(0)} MB (${event.reused} reused)`);
			}
		},
	});
	for (const old of await readdir(dir)) if (old.startsWith('lab-') && old !== labBundleName(mirrors)) await rm(join(dir, old), {force: true});
	log(`lab: package bundle ready: ${manifest.packages.length} packages, ${(size / 1e6).toFixed(0)} MB in ${seconds(Date.now() - started)} (${file})`);
	return {file, built: true};
}

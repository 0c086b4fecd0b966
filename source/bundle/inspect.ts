import {open, stat} from 'node:fs/promises';
import {absolutePath} from '../paths.js';
import {openBundle, verifyBundle} from './archive.js';
import {bundleTotals, formatMegabytes} from './describe.js';

/**
 * Whether a bundle file on this machine can be used, and a line saying what
 * it is: opened (which refuses another Debian release) and every package's SHA-256 proven, as
 * install will. Never throws: a file that is missing, not a regular file,
 * unreadable, not a bundle or damaged is a message naming it. ~ is the home; relative paths are taken
 * from the working directory.
 */
export async function inspectBundle(path: string): Promise<{ok: true; summary: string} | {ok: false; message: string}> {
	const file = absolutePath(path);
	let size: number;
	try {
		const info = await stat(file);
		if (!info.isFile()) return {ok: false, message: `${file} is not a regular file`};
		size = info.size;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		// A directory it cannot enter or a link loop is not the same as nothing there.
		return {ok: false, message: code === 'ENOENT' || code === 'ENOTDIR' ? `no file at ${file}` : `${file} cannot be read`};
	}
	try {
		// Opening is the test that counts: permission bits alone say nothing for root or under ACLs.
		await (await open(file, 'r')).close();
	} catch {
		return {ok: false, message: `${file} cannot be read`};
	}
	try {
		const bundle = await openBundle(file);
		const {debian, arch} = bundle.manifest;
		const problems = await verifyBundle(bundle);
		if (problems.length > 0) return {ok: false, message: `${file} cannot be used: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`};
		const {packages} = bundleTotals(bundle.manifest);
		const release = debian.pointRelease ? ` (${debian.pointRelease})` : '';
		return {ok: true, summary: `bundle for Debian ${debian.version}${release} ${arch}: ${packages} packages, ${formatMegabytes(size)}, made ${bundle.manifest.createdAt.slice(0, 10)}`};
	} catch (error) {
		return {ok: false, message: error instanceof Error ? error.message : String(error)};
	}
}

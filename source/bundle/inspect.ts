import {open, stat} from 'node:fs/promises';
import {absolutePath} from '../paths.js';

/**
 * Whether a bundle file on this machine can be used, and a line saying what
 * it is. Never throws: a file that is missing, not a regular file or
 * unreadable is a message naming it. ~ is the home; relative paths are taken
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
	const mb = size / 1_000_000;
	return {ok: true, summary: `bundle file ${file} (${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB)`};
}

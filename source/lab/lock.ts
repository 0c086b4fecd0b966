import {mkdir, open, readFile, rm} from 'node:fs/promises';
import {dirname} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {UserError} from '../errors.js';
import {processArgv} from './processes.js';

// Calls within one process queue here, so the file lock only ever sees one of them.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Holds the lab lock while fn runs: two lab commands at once would each undo
 * what the other makes. A lock left by a process that has ended is taken over.
 */
export function withLabLock<T>(lockFile: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
	const next = queue.then(() => withFileLock(lockFile, fn, waitMs));
	queue = next.catch(() => undefined);
	return next;
}

async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, waitMs: number): Promise<T> {
	await mkdir(dirname(lockFile), {recursive: true});
	const deadline = Date.now() + waitMs;
	for (;;) {
		try {
			const handle = await open(lockFile, 'wx', 0o600);
			await handle.writeFile(`${process.pid}\n`);
			await handle.close();
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
		// A pid reused by something that is not node is not a lab command holding the lock.
		const argv = holder && holder !== process.pid ? await processArgv(holder) : undefined;
		if (!argv || !argv.some(arg => /node/.test(arg))) {
			await rm(lockFile, {force: true});
			continue;
		}
		if (Date.now() > deadline) throw new UserError(`another pgha lab command (pid ${holder}) is still running; wait for it or end it`);
		await sleep(250);
	}
	try {
		return await fn();
	} finally {
		await rm(lockFile, {force: true});
	}
}

import {appendFileSync, existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {inject} from 'vitest';

declare module 'vitest' {
	interface ProvidedContext {
		/** A directory of this end-to-end run only: which labs it started, which pgha homes and answer files it used. */
		pghaE2eRun: string;
	}
}

/** This run's directory, or undefined outside an end-to-end test (the global setup itself, a script). */
export function runDir(): string | undefined {
	try {
		return inject('pghaE2eRun');
	} catch {
		return undefined;
	}
}

/** Appends a line to one of this run's lists (once). */
export function remember(list: 'labs' | 'homes' | 'answers', value: string, dir = runDir()): void {
	if (!dir || recalled(list, dir).includes(value)) return;
	appendFileSync(join(dir, `${list}.txt`), `${value}\n`, {mode: 0o600});
}

/** One of this run's lists. */
export function recalled(list: 'labs' | 'homes' | 'answers', dir = runDir()): string[] {
	if (!dir) return [];
	const file = join(dir, `${list}.txt`);
	return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

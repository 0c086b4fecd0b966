import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let version: string | undefined;

/** This pgha's version, from its package.json (found upward from here, under source/ and under dist/ alike). */
export function pghaVersion(): string {
	if (version) return version;
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		try {
			const found = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: string; version?: string};
			if (found.name === 'pgha' && found.version) return (version = found.version);
		} catch {
			// No package.json here, or another package's: look further up.
		}
		const parent = dirname(dir);
		if (parent === dir) return (version = 'unknown');
		dir = parent;
	}
}

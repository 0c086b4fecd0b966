import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** What pgha shows of its own package.json. */
export type PghaPackage = {version: string; description: string};

let found: PghaPackage | undefined;

/**
 * This pgha's package.json, found upward from here: under source/, dist/source/
 * and the bundle's dist/chunks/ alike.
 */
export function pghaPackage(): PghaPackage {
	if (found) return found;
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		try {
			const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: string; version?: string; description?: string};
			if (pkg.name === 'pgha' && pkg.version) return (found = {version: pkg.version, description: pkg.description ?? ''});
		} catch {
			// No package.json here, or another package's: look further up.
		}
		const parent = dirname(dir);
		if (parent === dir) return (found = {version: 'unknown', description: ''});
		dir = parent;
	}
}

/** This pgha's version, from its package.json. */
export function pghaVersion(): string {
	return pghaPackage().version;
}

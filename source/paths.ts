import {homedir} from 'node:os';
import {join, resolve} from 'node:path';

/** Where pgha keeps saved clusters and run logs: $PGHA_HOME, else ~/.config/pgha. */
export function pghaHome(env: NodeJS.ProcessEnv = process.env): string {
	return env['PGHA_HOME'] || join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'pgha');
}

/** Directory of run logs. */
export function logDir(env: NodeJS.ProcessEnv = process.env): string {
	return join(pghaHome(env), 'logs');
}

/** A path as a person types it, made absolute: a leading ~ is the home, anything else is taken from the working directory. */
export function absolutePath(path: string): string {
	return resolve(path.replace(/^~(?=$|\/)/, homedir()));
}

/** Where `pgha bundle create` keeps the .debs it fetched, so the next bundle fetches only what changed. */
export function bundleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
	return join(pghaHome(env), 'bundle-cache');
}

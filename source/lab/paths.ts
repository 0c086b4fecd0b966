import {join} from 'node:path';

/** Every place on the machine the lab reads or writes. */
export type LabPaths = {
	/** Runtime state: removed by `lab down`. */
	stateDir: string;
	stateFile: string;
	/** Outside stateDir so removing the state never drops a held lock. */
	lockFile: string;
	keyFile: string;
	hostsDir: string;
	/** The package cache's config, log and socket. */
	packageCacheDir: string;
	/** Kept across `lab down`; removed only by `lab down --purge`. */
	cacheDir: string;
	baseImage: string;
	packages: string;
};

/** Directories of one host: its overlay layers, merged root and console log. */
export type HostPaths = {dir: string; upper: string; work: string; root: string; console: string};

/** The lab's paths; PGHA_LAB_DIR and PGHA_LAB_CACHE move them (tests, a second checkout). */
export function labPaths(env: NodeJS.ProcessEnv = process.env): LabPaths {
	const stateDir = env['PGHA_LAB_DIR'] || '/var/lib/pgha/lab';
	const cacheDir = env['PGHA_LAB_CACHE'] || '/var/cache/pgha';
	return {
		stateDir,
		stateFile: join(stateDir, 'state.json'),
		lockFile: `${stateDir}.lock`,
		keyFile: join(stateDir, 'ssh', 'id_ed25519'),
		hostsDir: join(stateDir, 'hosts'),
		packageCacheDir: join(stateDir, 'package-cache'),
		cacheDir,
		baseImage: join(cacheDir, 'base-bookworm'),
		packages: join(cacheDir, 'packages'),
	};
}

/** Where one host's files live. */
export function hostPaths(paths: LabPaths, name: string): HostPaths {
	const dir = join(paths.hostsDir, name);
	return {dir, upper: join(dir, 'upper'), work: join(dir, 'work'), root: join(dir, 'root'), console: join(dir, 'console.log')};
}

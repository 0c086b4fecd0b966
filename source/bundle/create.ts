import {createHash} from 'node:crypto';
import {join, resolve} from 'node:path';
import {packagesFor} from '../../recipes/index.js';
import type {Role} from '../answers/schema.js';
import {UsageError} from '../errors.js';
import {pghaVersion} from '../version.js';
import {writeBundle} from './archive.js';
import {downloadDebs, type DownloadEvent} from './download.js';
import {machineMirrors, withSlash} from './machine-mirrors.js';
import {bundleFormat, bundleManifestSchema, supportedRelease, type BundleManifest} from './manifest.js';
import {resolveBundle} from './resolve.js';
import {bundleSources, sourcesListLine, type AptSource} from './sources.js';

/** What `createBundle` reports as it goes: a step begins, something to know, or the downloads' progress. */
export type CreateEvent = {type: 'step'; text: string} | {type: 'warning'; text: string} | DownloadEvent;

export type CreateOptions = {
	output: string;
	roles: readonly Role[];
	arch: string;
	/** Replaces the main Debian archive (bookworm, bookworm-updates): http, https or file URI. */
	mirror?: string;
	/** Replaces the security archive (bookworm-security): a URI, or "none" to leave it out (a bundle of the point release alone). */
	security?: string;
	/** Keeps fetched .debs and apt's indexes between runs. */
	cacheDir: string;
	onProgress?: (event: CreateEvent) => void;
	signal?: AbortSignal;
	/** The archives to read instead of the machine's Debian mirrors (tests use an unsigned file: archive). */
	sources?: readonly AptSource[];
	/** The packages of a role; pgha's recipes by default. */
	packagesOf?: (role: Role) => readonly string[];
	/** Directories of .debs to copy instead of fetching; the machine's apt cache by default. */
	localArchives?: readonly string[];
	stallMs?: number;
	env?: NodeJS.ProcessEnv;
};

export type CreatedBundle = {
	file: string;
	manifest: BundleManifest;
	/** The bundle file's size in bytes. */
	size: number;
	/** .debs taken from the download cache or the machine's apt cache. */
	reused: number;
	/** Bytes fetched from the archives. */
	fetchedBytes: number;
	warnings: string[];
};

/**
 * Makes a bundle: resolves the complete closure of each role's packages with
 * this machine's apt (private state), fetches or reuses every .deb into the
 * cache, verified, and writes the tar with its manifest and Packages index.
 */
export async function createBundle(options: CreateOptions): Promise<CreatedBundle> {
	const report = options.onProgress ?? (() => undefined);
	const warnings: string[] = [];
	const warn = (text: string) => {
		warnings.push(text);
		report({type: 'warning', text});
	};
	const sources = options.sources ?? (await defaultSources(options.mirror, options.security, warn));
	// apt's indexes are kept per architecture and set of archives, so a re-run only refreshes them.
	const key = createHash('sha256').update(sources.map(sourcesListLine).join('\n')).digest('hex').slice(0, 12);
	const resolution = await resolveBundle({
		sources,
		arch: options.arch,
		roles: options.roles,
		packagesOf: options.packagesOf ?? (role => packagesFor({roles: [role]})),
		stateDir: join(options.cacheDir, 'apt', `${options.arch}-${key}`),
		signal: options.signal,
		env: options.env,
		onStep: text => report({type: 'step', text}),
	});
	const total = resolution.debs.reduce((sum, deb) => sum + deb.size, 0);
	report({type: 'step', text: `Fetching ${resolution.debs.length} packages (${(total / 1e6).toFixed(1)} MB) into ${options.cacheDir}`});
	const downloaded = await downloadDebs(resolution.debs, {
		cacheDir: join(options.cacheDir, 'debs'),
		...(options.localArchives ? {localArchives: options.localArchives} : {}),
		...(options.stallMs ? {stallMs: options.stallMs} : {}),
		signal: options.signal,
		onProgress: report,
	});
	const manifest = bundleManifestSchema.parse({
		format: bundleFormat,
		createdAt: new Date().toISOString(),
		createdBy: `pgha ${pghaVersion()}`,
		debian: {codename: supportedRelease.codename, version: supportedRelease.version, ...(resolution.pointRelease ? {pointRelease: resolution.pointRelease} : {})},
		arch: options.arch,
		sources: resolution.sources,
		roles: resolution.roles,
		packages: resolution.debs.map(({uri: _uri, aptFile: _aptFile, ...deb}) => deb),
	} satisfies BundleManifest);
	report({type: 'step', text: `Writing ${options.output}`});
	const size = await writeBundle({output: options.output, manifest, packagesIndex: resolution.packagesIndex, debs: downloaded.paths, signal: options.signal});
	return {file: resolve(options.output), manifest, size, reused: downloaded.reused, fetchedBytes: downloaded.fetchedBytes, warnings};
}

/** The archives a bundle is made from: this machine's, with --mirror and --security in their place where given. */
export async function defaultSources(mirror: string | undefined, security: string | undefined, warn: (text: string) => void): Promise<AptSource[]> {
	const mirrors = await machineMirrors();
	const archive = /^(https?:\/\/[^/]+|file:\/)/;
	if (mirror !== undefined) {
		if (!archive.test(mirror)) throw new UsageError(`--mirror must be an http://, https:// or file:/ URI of a Debian archive, not "${mirror}"`);
		mirrors.debian = withSlash(mirror);
	}
	if (security === 'none') {
		delete mirrors.security;
		warn('--security none: the bundle holds the point release alone, without the security archive\'s updates');
		return bundleSources(mirrors).sources;
	}
	if (security !== undefined) {
		if (!archive.test(security)) throw new UsageError(`--security must be an http://, https:// or file:/ URI of the Debian security archive, or none, not "${security}"`);
		mirrors.security = withSlash(security);
	}
	const {sources, warnings} = bundleSources(mirrors);
	for (const text of warnings) warn(text);
	return sources;
}

import {createHash, randomBytes} from 'node:crypto';
import {createReadStream, createWriteStream} from 'node:fs';
import {copyFile, mkdir, rename, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {Readable, Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {fileURLToPath} from 'node:url';
import {UserError} from '../errors.js';

/** One .deb to have in the cache: where it comes from and what it must be. */
export type DownloadItem = {
	file: string;
	uri: string;
	size: number;
	sha256: string;
	/** apt's name for it in /var/cache/apt/archives, when it differs from file. */
	aptFile?: string;
};

/** How the downloads go: a running count, or a download that stopped receiving data. */
export type DownloadEvent =
	| {type: 'progress'; packagesDone: number; packagesTotal: number; bytesDone: number; bytesTotal: number; current?: string; reused: number}
	| {type: 'stalled'; file: string; attempt: number; attempts: number; stallMs: number; retrying: boolean};

export type DownloadOptions = {
	/** Where verified .debs are kept between runs, each under its own file name. */
	cacheDir: string;
	/** Other directories whose matching .debs are copied instead of fetched; default the machine's apt cache. */
	localArchives?: readonly string[];
	/** Downloads at a time: 2 by default, 4 at most. */
	parallel?: number;
	/** A download that receives nothing for this long is aborted and tried again; default 30 s. */
	stallMs?: number;
	/** Tries per file; default 3. */
	attempts?: number;
	signal?: AbortSignal;
	onProgress?: (event: DownloadEvent) => void;
};

export type DownloadResult = {
	/** Each file's path in the cache. */
	paths: Map<string, string>;
	/** Files already in the cache or in a local archive. */
	reused: number;
	/** Bytes received from the archives (0 on a warm run). */
	fetchedBytes: number;
};

/** Default stall timeout: no data for this long means the connection is dead, not slow. */
export const defaultStallMs = 30_000;

class Stalled extends Error {}

/** Fetches or reuses each .deb into the cache, verifying its size and SHA-256. */
export async function downloadDebs(items: readonly DownloadItem[], options: DownloadOptions): Promise<DownloadResult> {
	const {cacheDir} = options;
	await mkdir(cacheDir, {recursive: true});
	const parallel = Math.min(4, Math.max(1, options.parallel ?? 2));
	const report = options.onProgress ?? (() => undefined);
	const state = {packagesDone: 0, bytesDone: 0, reused: 0, fetchedBytes: 0};
	const bytesTotal = items.reduce((sum, item) => sum + item.size, 0);
	const progress = (current?: string) =>
		report({type: 'progress', packagesDone: state.packagesDone, packagesTotal: items.length, bytesDone: state.bytesDone, bytesTotal, reused: state.reused, ...(current ? {current} : {})});
	const paths = new Map<string, string>();

	const one = async (item: DownloadItem) => {
		const target = join(cacheDir, item.file);
		if (await reuse(item, target, options.localArchives ?? ['/var/cache/apt/archives'])) {
			state.reused += 1;
			state.bytesDone += item.size;
		} else {
			await fetchInto(item, target, options, state, progress, report);
		}
		paths.set(item.file, target);
		state.packagesDone += 1;
		progress(item.file);
	};

	progress();
	const queue = [...items];
	let failed = false;
	const worker = async () => {
		for (let item = queue.shift(); item && !failed; item = queue.shift()) {
			options.signal?.throwIfAborted();
			await one(item).catch((error: unknown) => {
				failed = true;
				throw error;
			});
		}
	};
	// Every worker ends (and removes its partial file) before the first failure is reported.
	const settled = await Promise.allSettled(Array.from({length: Math.min(parallel, items.length)}, worker));
	const failure = settled.find(result => result.status === 'rejected');
	if (failure) throw failure.reason;
	return {paths, reused: state.reused, fetchedBytes: state.fetchedBytes};
}

/** The SHA-256 of a file, read as a stream. */
export async function fileSha256(file: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(createReadStream(file), hash);
	return hash.digest('hex');
}

async function matches(file: string, item: DownloadItem): Promise<boolean> {
	const found = await stat(file).catch(() => undefined);
	return Boolean(found?.isFile() && found.size === item.size && (await fileSha256(file)) === item.sha256);
}

// A file the cache or the machine's apt already holds with the right SHA-256 is the same file: no need to fetch it.
async function reuse(item: DownloadItem, target: string, localArchives: readonly string[]): Promise<boolean> {
	if (await matches(target, item)) return true;
	for (const dir of localArchives)
		for (const name of new Set([item.aptFile ?? item.file, item.file])) {
			const local = join(dir, name);
			if (!(await matches(local, item))) continue;
			const partial = partialName(target);
			await copyFile(local, partial);
			await rename(partial, target);
			return true;
		}
	return false;
}

const partialName = (target: string) => `${target}.${randomBytes(4).toString('hex')}.partial`;

async function fetchInto(
	item: DownloadItem,
	target: string,
	options: DownloadOptions,
	state: {bytesDone: number; fetchedBytes: number},
	progress: (current?: string) => void,
	report: (event: DownloadEvent) => void,
): Promise<void> {
	const attempts = options.attempts ?? 3;
	const stallMs = options.stallMs ?? defaultStallMs;
	let last = '';
	for (let attempt = 1; attempt <= attempts; attempt++) {
		const partial = partialName(target);
		let received = 0;
		try {
			const sha256 = await receive(item.uri, partial, stallMs, options.signal, bytes => {
				received += bytes;
				state.bytesDone += bytes;
				state.fetchedBytes += bytes;
				progress(item.file);
			});
			if (received !== item.size) throw new Error(`received ${received} bytes, the index says ${item.size}`);
			if (sha256 !== item.sha256) throw new Error('its SHA-256 differs from the index');
			await rename(partial, target);
			return;
		} catch (error) {
			await rm(partial, {force: true});
			// What this attempt counted is fetched again from zero by the next one.
			state.bytesDone -= received;
			options.signal?.throwIfAborted();
			if (error instanceof Stalled) {
				last = `no data for ${formatSeconds(stallMs)}`;
				report({type: 'stalled', file: item.file, attempt, attempts, stallMs, retrying: attempt < attempts});
			} else {
				last = error instanceof Error ? error.message : String(error);
				if (/^HTTP 404/.test(last)) break;
			}
		}
	}
	throw new UserError(`could not download ${item.file} from ${item.uri}: ${last}`);
}

function formatSeconds(ms: number): string {
	return `${ms >= 10_000 ? Math.round(ms / 1000) : Number((ms / 1000).toFixed(1))} s`;
}

// Streams one URI to a file and gives its SHA-256; a stall (no bytes for stallMs, headers included) aborts it with Stalled.
async function receive(uri: string, file: string, stallMs: number, signal: AbortSignal | undefined, onBytes: (bytes: number) => void): Promise<string> {
	const controller = new AbortController();
	const stop = () => controller.abort(signal?.reason);
	signal?.addEventListener('abort', stop, {once: true});
	let stalled = false;
	let timer: NodeJS.Timeout | undefined;
	const arm = () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			stalled = true;
			controller.abort(new Stalled());
		}, stallMs);
	};
	try {
		arm();
		const body = await open(uri, controller.signal);
		const hash = createHash('sha256');
		const count = new Transform({
			transform(chunk: Buffer, _encoding, done) {
				arm();
				hash.update(chunk);
				onBytes(chunk.length);
				done(null, chunk);
			},
		});
		await pipeline(body, count, createWriteStream(file), {signal: controller.signal});
		return hash.digest('hex');
	} catch (error) {
		if (stalled) throw new Stalled();
		throw error;
	} finally {
		clearTimeout(timer);
		signal?.removeEventListener('abort', stop);
	}
}

async function open(uri: string, signal: AbortSignal): Promise<Readable> {
	if (uri.startsWith('file:')) return createReadStream(fileURLToPath(uri), {signal});
	if (!/^https?:/.test(uri)) throw new Error(`pgha fetches http, https and file URIs, not ${uri.split(':')[0]}:`);
	const response = await fetch(uri, {signal, redirect: 'follow'});
	if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
	return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
}

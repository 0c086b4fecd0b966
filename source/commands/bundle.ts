import {stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {roleNames, type Role} from '../answers/schema.js';
import {readBundleManifest} from '../bundle/archive.js';
import type {CreateEvent} from '../bundle/create.js';
import {bundleTotals, describeBundle, formatMegabytes} from '../bundle/describe.js';
import {supportedRelease} from '../bundle/manifest.js';
import {exitCodes, UsageError} from '../errors.js';
import {bundleCacheDir} from '../paths.js';
import type {Command, Flags, Io} from './context.js';

const usage = 'pgha bundle create [--output FILE] [--roles etcd,postgres,balancer,backup] [--arch amd64] [--mirror URL] [--security URL|none] | pgha bundle show FILE [--json]';

/** The architectures Debian 12 is released for. */
const debianArchitectures = ['amd64', 'arm64', 'armel', 'armhf', 'i386', 'mips64el', 'mipsel', 'ppc64el', 's390x'];

/** Progress lines at most this often; steps, warnings and stalls are printed at once. */
const progressEveryMs = 2000;

/**
 * `pgha bundle create|show`: make a package bundle (one tar file with every
 * .deb the chosen roles need on a Debian 12 host with no network), or show
 * what one holds.
 */
export const bundle: Command = async (args, flags, io) => {
	const [what, ...rest] = args;
	if (what === 'create') {
		if (rest.length > 0) throw new UsageError(`bundle create takes no arguments (got "${rest.join(' ')}"); name the file with --output FILE`);
		return create(flags, io);
	}
	if (what === 'show') {
		if (rest.length !== 1) throw new UsageError(`bundle show needs one bundle file: ${usage}`);
		return show(rest[0]!, flags, io);
	}
	throw new UsageError(`bundle needs what to do: ${usage}`);
};

/** The roles --roles names (all of them when absent), refusing one pgha does not know. */
export function parseRoles(text: string | undefined): Role[] {
	if (text === undefined) return [...roleNames];
	const names = text
		.split(',')
		.map(name => name.trim())
		.filter(Boolean);
	const unknown = names.filter(name => !(roleNames as readonly string[]).includes(name));
	if (unknown.length > 0) throw new UsageError(`--roles: unknown role ${unknown.map(name => `"${name}"`).join(', ')}; the roles are ${roleNames.join(', ')}`);
	if (names.length === 0) throw new UsageError(`--roles needs at least one of ${roleNames.join(', ')}`);
	return roleNames.filter(role => names.includes(role));
}

async function create(flags: Flags, io: Io): Promise<number> {
	const roles = parseRoles(flags.roles);
	const arch = flags.arch ?? 'amd64';
	if (!debianArchitectures.includes(arch)) throw new UsageError(`--arch must be one of Debian ${supportedRelease.version}'s architectures (${debianArchitectures.join(', ')}), not "${arch}"`);
	const output = await outputFile(flags.output, arch);
	const started = Date.now();
	const controller = new AbortController();
	const stop = () => controller.abort(new Error('stopped'));
	process.once('SIGINT', stop);
	try {
		const {createBundle} = await import('../bundle/create.js');
		const created = await createBundle({
			output,
			roles,
			arch,
			...(flags.mirror !== undefined ? {mirror: flags.mirror} : {}),
			...(flags.security !== undefined ? {security: flags.security} : {}),
			cacheDir: bundleCacheDir(io.env),
			onProgress: progressPrinter(io),
			signal: controller.signal,
			env: io.env,
		});
		const seconds = Math.round((Date.now() - started) / 1000);
		const {packages} = bundleTotals(created.manifest);
		io.out(`Bundle written: ${output} (${packages} packages, ${formatMegabytes(created.size)}, ${seconds} s, ${created.reused} reused without downloading)`);
		return exitCodes.ok;
	} catch (error) {
		if (!controller.signal.aborted) throw error;
		io.err(`pgha: bundle create stopped; nothing was written to ${output}`);
		return exitCodes.failed;
	} finally {
		process.off('SIGINT', stop);
	}
}

// The default name says what the bundle is for and when it was made; a directory gets that name inside it.
async function outputFile(given: string | undefined, arch: string): Promise<string> {
	const name = `pgha-bundle-${supportedRelease.codename}-${arch}-${new Date().toISOString().slice(0, 10)}.tar`;
	if (given === undefined) return resolve(name);
	const found = await stat(given).catch(() => undefined);
	return found?.isDirectory() ? resolve(join(given, name)) : resolve(given);
}

/** Plain lines on stderr: each step, warning and stall at once, the download count at most every 2 s. */
export function progressPrinter(io: Pick<Io, 'err'>, now: () => number = Date.now): (event: CreateEvent) => void {
	let last = 0;
	return event => {
		if (event.type === 'step') io.err(event.text);
		else if (event.type === 'warning') io.err(`Warning: ${event.text}`);
		else if (event.type === 'stalled')
			io.err(`Stalled: no data for ${Math.round(event.stallMs / 100) / 10} s on ${event.file} (attempt ${event.attempt} of ${event.attempts})${event.retrying ? ', trying again' : ''}`);
		else {
			const done = event.packagesDone === event.packagesTotal;
			if (!done && now() - last < progressEveryMs) return;
			last = now();
			io.err(
				`Fetched ${event.packagesDone}/${event.packagesTotal} packages, ${formatMegabytes(event.bytesDone)} of ${formatMegabytes(event.bytesTotal)}, ${event.reused} reused${event.current && !done ? ` (${event.current})` : ''}`,
			);
		}
	};
}

async function show(file: string, flags: Flags, io: Io): Promise<number> {
	const manifest = await readBundleManifest(file);
	const {size} = await stat(file);
	if (flags.json) {
		io.out(JSON.stringify({...manifest, totals: {...bundleTotals(manifest), fileBytes: size}}, null, 2));
		return exitCodes.ok;
	}
	io.out(`Bundle ${resolve(file)}`);
	for (const line of describeBundle(manifest, size)) io.out(line);
	return exitCodes.ok;
}

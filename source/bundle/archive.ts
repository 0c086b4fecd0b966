import {createHash, randomBytes} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {lstat, mkdir, mkdtemp, open, readFile, rename, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {create, extract, Parser, type ReadEntry} from 'tar';
import {BundleError} from './errors.js';
import {fileSha256} from './download.js';
import {bundleFormat, bundleManifestSchema, bundleRoot, supportedRelease, type BundleManifest} from './manifest.js';
import {splitStanzas, stanzaField} from './packages-index.js';

export {packagesIndexFor} from './packages-index.js';

/** A bundle ready to install from: its manifest, and a directory holding Packages and debs/ (a flat apt repository). */
export type OpenedBundle = {
	file: string;
	/** The extracted pgha-bundle/ directory: `deb [trusted=yes] file:<dir> ./` reads it. */
	dir: string;
	manifest: BundleManifest;
	/** The bundle's Packages index, as written. */
	packagesIndex: string;
};

const manifestEntry = `${bundleRoot}/manifest.json`;
const packagesEntry = `${bundleRoot}/Packages`;
const completeMarker = '.pgha-complete';

/**
 * Writes a bundle: manifest.json first (so reading it needs only the start of
 * the file), then Packages, then every .deb. The tar is written beside the
 * output as <output>.partial and renamed at the end, so an interrupted run
 * never leaves half a bundle under the real name.
 */
export async function writeBundle(options: {output: string; manifest: BundleManifest; packagesIndex: string; debs: ReadonlyMap<string, string>; signal?: AbortSignal}): Promise<number> {
	const output = resolve(options.output);
	const partial = `${output}.partial`;
	const stage = await mkdtemp(join(tmpdir(), 'pgha-bundle-stage-'));
	try {
		const root = join(stage, bundleRoot);
		await mkdir(join(root, 'debs'), {recursive: true});
		await writeFile(join(root, 'manifest.json'), `${JSON.stringify(options.manifest, null, '\t')}\n`);
		await writeFile(join(root, 'Packages'), options.packagesIndex);
		const files = options.manifest.packages.map(deb => deb.file).sort();
		for (const file of files) {
			const source = options.debs.get(file);
			if (!source) throw new Error(`no downloaded file for debs/${file}`);
			// Links, packed as the files they point to: the .debs are not copied twice.
			await symlink(resolve(source), join(root, 'debs', file));
		}
		options.signal?.throwIfAborted();
		await create({file: partial, cwd: stage, follow: true, portable: true}, [manifestEntry, packagesEntry, ...files.map(file => `${bundleRoot}/debs/${file}`)]);
		options.signal?.throwIfAborted();
		await rename(partial, output);
		return (await stat(output)).size;
	} catch (error) {
		await rm(partial, {force: true});
		throw error;
	} finally {
		await rm(stage, {recursive: true, force: true});
	}
}

/** The manifest of a bundle file, read from its start without extracting anything; refuses a file that is not a bundle pgha can read. */
export async function readBundleManifest(file: string): Promise<BundleManifest> {
	const path = resolve(file);
	const found = await stat(path).catch(() => undefined);
	if (!found) throw new BundleError(`${file}: no such bundle file`);
	if (!found.isFile()) throw new BundleError(`${file} is not a file; a bundle is one .tar file made by \`pgha bundle create\``);
	await requireTar(path, file);
	return parseManifest(await manifestText(path, file), file);
}

/** Checks a manifest's JSON: the format first (a newer pgha's bundle says so), then every field, naming the first wrong ones. */
export function parseManifest(text: string, file: string): BundleManifest {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch {
		throw new BundleError(`${file}: ${manifestEntry} is not valid JSON`);
	}
	const format = typeof raw === 'object' && raw !== null ? (raw as {format?: unknown}).format : undefined;
	if (typeof format !== 'number') throw new BundleError(`${file}: ${manifestEntry} names no bundle format; it was not made by \`pgha bundle create\``);
	if (format !== bundleFormat)
		throw new BundleError(
			format > bundleFormat
				? `${file} is a bundle of format ${format}, made by a newer pgha; this pgha reads format ${bundleFormat}: upgrade pgha, or make the bundle with this one`
				: `${file} is a bundle of format ${format}, which this pgha does not read (it reads format ${bundleFormat}); make it again with \`pgha bundle create\``,
		);
	const parsed = bundleManifestSchema.safeParse(raw);
	if (parsed.success) return parsed.data;
	const packages = (raw as {packages?: unknown}).packages;
	const problems = parsed.error.issues.slice(0, 3).map(issue => {
		const at = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('') || '(the whole manifest)';
		const index = issue.path[0] === 'packages' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
		const name = index !== undefined && Array.isArray(packages) ? (packages[index] as {name?: unknown} | undefined)?.name : undefined;
		return `${at}${typeof name === 'string' ? ` (${name})` : ''} ${issue.message}`;
	});
	const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
	throw new BundleError(`${file}: ${manifestEntry} is not a valid bundle manifest: ${problems.join('; ')}${more}`);
}

/**
 * Opens a bundle to install from: reads and checks its manifest, then
 * extracts it under the temporary directory, keyed by the file's path, size
 * and modification time so a second install from the same file reuses the
 * extraction instead of unpacking hundreds of megabytes again.
 */
export async function openBundle(file: string): Promise<OpenedBundle> {
	const path = resolve(file);
	const manifest = await readBundleManifest(file);
	if (manifest.debian.codename !== supportedRelease.codename)
		throw new BundleError(`${file} was made for Debian ${manifest.debian.version} (${manifest.debian.codename}); pgha installs onto Debian ${supportedRelease.version} (${supportedRelease.codename})`);
	const found = await stat(path);
	const key = createHash('sha256').update(`${path}\0${found.size}\0${found.mtimeMs}`).digest('hex').slice(0, 20);
	const base = join(await extractionRoot(), key);
	if (!(await exists(join(base, completeMarker)))) await extractTo(path, base, file);
	const dir = join(base, bundleRoot);
	const packagesIndex = await readFile(join(dir, 'Packages'), 'utf8').catch(() => {
		throw new BundleError(`${file} holds no ${packagesEntry} index; it is not a complete bundle`);
	});
	return {file: path, dir, manifest, packagesIndex};
}

/**
 * Checks every .deb of an opened bundle against its manifest, each file
 * hashed as a stream, several at once: one problem per bad file, naming the
 * package, its version and what is wrong. Empty when the bundle is whole.
 */
export async function verifyBundle(opened: OpenedBundle): Promise<string[]> {
	const {manifest} = opened;
	const indexed = new Map<string, string | undefined>();
	for (const stanza of splitStanzas(opened.packagesIndex)) {
		const filename = stanzaField(stanza, 'Filename');
		if (filename?.startsWith('debs/')) indexed.set(filename.slice('debs/'.length), stanzaField(stanza, 'SHA256')?.toLowerCase());
	}
	const problems: string[][] = manifest.packages.map(() => []);
	const queue = manifest.packages.map((deb, i) => ({deb, i}));
	// A file hashed whole once is not hashed again while its size, time and inode stay (a re-run reads 128 MB otherwise).
	const stampFile = join(opened.dir, '..', 'verified.json');
	const stamped = await readFile(stampFile, 'utf8').then(text => JSON.parse(text) as Record<string, string>, () => ({}) as Record<string, string>);
	const signature = (found: {size: number; mtimeMs: number; ino: number}, sha256: string) => `${found.size}:${found.mtimeMs}:${found.ino}:${sha256}`;
	const seen: Record<string, string> = {};
	const worker = async () => {
		for (let next = queue.shift(); next; next = queue.shift()) {
			const {deb, i} = next;
			const say = (what: string) => problems[i]!.push(`${deb.name} ${deb.version}: debs/${deb.file} ${what}`);
			const path = join(opened.dir, 'debs', deb.file);
			const found = await stat(path).catch(() => undefined);
			if (found?.isFile()) seen[deb.file] = signature(found, deb.sha256);
			if (!found?.isFile()) say('is missing');
			else if (found.size !== deb.size) say(`is ${found.size} bytes, the manifest says ${deb.size} (truncated or replaced)`);
			else if (stamped[deb.file] !== seen[deb.file] && (await fileSha256(path)) !== deb.sha256) say('is corrupt (SHA-256 differs from the manifest)');
			else if (!indexed.has(deb.file)) say('is not in the bundle\'s Packages index');
			else if (indexed.get(deb.file) !== deb.sha256) say('has another SHA-256 in the bundle\'s Packages index than in the manifest');
		}
	};
	await Promise.all(Array.from({length: 4}, worker));
	const names = new Set(manifest.packages.map(deb => deb.name));
	const lacking = Object.entries(manifest.roles).flatMap(([role, entry]) => (entry?.closure ?? []).filter(name => !names.has(name)).map(name => `the ${role} role needs ${name}, which the bundle lacks`));
	const found = [...problems.flat(), ...lacking];
	if (found.length === 0) await writeFile(stampFile, JSON.stringify(seen), {mode: 0o600}).catch(() => undefined);
	return found;
}

async function exists(path: string): Promise<boolean> {
	return stat(path).then(
		() => true,
		() => false,
	);
}

// Hosts install these files with trusted=yes, so the extraction lives in a directory only this user can write.
async function extractionRoot(): Promise<string> {
	const root = join(tmpdir(), 'pgha-bundles');
	await mkdir(root, {mode: 0o700}).catch((error: NodeJS.ErrnoException) => {
		if (error.code !== 'EEXIST') throw error;
	});
	const found = await lstat(root);
	const uid = process.getuid?.();
	if (!found.isDirectory() || (uid !== undefined && found.uid !== uid) || (found.mode & 0o022) !== 0)
		throw new BundleError(`${root} is not a directory only you can write; remove it (pgha extracts bundles there)`);
	return root;
}

async function extractTo(path: string, base: string, file: string): Promise<void> {
	const staging = `${base}.${randomBytes(4).toString('hex')}.tmp`;
	await mkdir(staging, {recursive: true});
	try {
		await extract({
			file: path,
			cwd: staging,
			strict: true,
			// Only the bundle's own files, never links or devices, whatever else the tar holds.
			filter: (entryPath, entry) => entryPath.startsWith(`${bundleRoot}/`) && ('type' in entry ? entry.type === 'File' || entry.type === 'Directory' : true),
		});
		await writeFile(join(staging, completeMarker), `${file}\n`);
		await rm(base, {recursive: true, force: true});
		await rename(staging, base);
	} catch (error) {
		await rm(staging, {recursive: true, force: true});
		// Another pgha extracting the same file at the same time got there first.
		if (await exists(join(base, completeMarker))) return;
		throw error instanceof BundleError ? error : new BundleError(`${file} could not be extracted: ${error instanceof Error ? error.message : String(error)}`);
	}
}

// The tar header's magic: a plain tar says "ustar" at byte 257. Compressed bundles are named as such.
async function requireTar(path: string, file: string): Promise<void> {
	const handle = await open(path, 'r');
	const header = Buffer.alloc(512);
	const {bytesRead} = await handle.read(header, 0, 512, 0).finally(() => handle.close());
	if (bytesRead >= 2 && header[0] === 0x1f && header[1] === 0x8b) throw new BundleError(`${file} is compressed (gzip); a bundle is an uncompressed tar: gunzip it first`);
	if (bytesRead < 512 || header.subarray(257, 262).toString('latin1') !== 'ustar') throw new BundleError(`${file} is not a pgha bundle: it is not a tar file`);
}

// The manifest is the first entry, so reading stops there; a tar without one is not a bundle.
function manifestText(path: string, file: string): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const input = createReadStream(path);
		let done = false;
		const finish = (error: Error | undefined, text?: string) => {
			if (done) return;
			done = true;
			input.destroy();
			if (error) reject(error);
			else resolvePromise(text!);
		};
		const parser = new Parser({
			strict: true,
			onReadEntry: (entry: ReadEntry) => {
				// A Parser holds every entry until it is read: others are drained unread.
				if (entry.path !== manifestEntry) return void entry.resume();
				if (entry.size > 64 * 1024 * 1024) return finish(new BundleError(`${file}: ${manifestEntry} is too large to be a bundle manifest`));
				const chunks: Buffer[] = [];
				entry.on('data', (chunk: Buffer) => chunks.push(chunk));
				entry.on('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
			},
		});
		parser.on('error', (error: Error) => finish(new BundleError(`${file} is not a readable tar file: ${error.message}`)));
		parser.on('end', () => finish(new BundleError(`${file} is not a pgha bundle: it holds no ${manifestEntry}`)));
		input.on('error', error => finish(error));
		input.pipe(parser);
	});
}

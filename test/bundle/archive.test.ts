import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {create} from 'tar';
import {afterAll, describe, expect, it} from 'vitest';
import {openBundle, parseManifest, readBundleManifest, verifyBundle, writeBundle} from '../../source/bundle/archive.js';
import {BundleError} from '../../source/bundle/errors.js';
import type {BundleManifest} from '../../source/bundle/manifest.js';
import {exitCodes} from '../../source/errors.js';

const root = mkdtempSync(join(tmpdir(), 'pgha-bundle-archive-'));
const extracted = new Set<string>();
afterAll(() => {
	for (const dir of [...extracted, root]) rmSync(dir, {recursive: true, force: true});
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A bundle of two made-up .debs, written with writeBundle. */
async function smallBundle(name: string): Promise<{file: string; manifest: BundleManifest}> {
	const debs = new Map<string, string>();
	const contents = {'alpha_1.0-1_all.deb': 'alpha contents', 'beta_2:1.0~rc1_amd64.deb': 'beta contents, longer'};
	mkdirSync(join(root, 'debs'), {recursive: true});
	for (const [file, text] of Object.entries(contents)) {
		writeFileSync(join(root, 'debs', file), text);
		debs.set(file, join(root, 'debs', file));
	}
	const manifest: BundleManifest = {
		format: 1,
		createdAt: '2026-11-30T12:00:00.000Z',
		createdBy: 'pgha 0.1.0',
		debian: {codename: 'bookworm', version: '12', pointRelease: '12.9'},
		arch: 'amd64',
		sources: ['file:/archive/ bookworm main'],
		roles: {etcd: {packages: ['beta'], closure: ['alpha', 'beta']}},
		packages: [
			{name: 'alpha', version: '1.0-1', arch: 'all', file: 'alpha_1.0-1_all.deb', size: 14, sha256: sha(contents['alpha_1.0-1_all.deb'])},
			{name: 'beta', version: '2:1.0~rc1', arch: 'amd64', file: 'beta_2:1.0~rc1_amd64.deb', size: 21, sha256: sha(contents['beta_2:1.0~rc1_amd64.deb'])},
		],
	};
	const index = manifest.packages.map(deb => `Package: ${deb.name}\nVersion: ${deb.version}\nFilename: debs/${deb.file}\nSize: ${deb.size}\nSHA256: ${deb.sha256}\n`).join('\n');
	const file = join(root, name);
	await writeBundle({output: file, manifest, packagesIndex: index, debs});
	return {file, manifest};
}

async function opened(file: string) {
	const bundle = await openBundle(file);
	extracted.add(dirname(bundle.dir));
	return bundle;
}

/** A tar of the given files (path under the tar root: content). */
async function tarOf(name: string, files: Record<string, string>): Promise<string> {
	const dir = join(root, `${name}.d`);
	for (const [path, content] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, path)), {recursive: true});
		writeFileSync(join(dir, path), content);
	}
	const file = join(root, name);
	await create({file, cwd: dir, portable: true}, Object.keys(files));
	return file;
}

describe('bundle archive', () => {
	it('writes a tar that opens to the same manifest, with manifest.json first', async () => {
		const {file, manifest} = await smallBundle('small.tar');
		expect(await readBundleManifest(file)).toEqual(manifest);
		const bundle = await opened(file);
		expect(bundle.manifest).toEqual(manifest);
		expect(bundle.packagesIndex).toMatch(/^Package: alpha\n/);
		expect(await verifyBundle(bundle)).toEqual([]);
	});

	it('a .deb altered after it was verified is hashed again and named, however its size stayed', async () => {
		const {file} = await smallBundle('altered.tar');
		const bundle = await opened(file);
		expect(await verifyBundle(bundle)).toEqual([]);
		const path = join(bundle.dir, 'debs', 'alpha_1.0-1_all.deb');
		const content = readFileSync(path);
		content[0] = content[0]! ^ 0xff;
		writeFileSync(path, content);
		expect(await verifyBundle(bundle)).toEqual(['alpha 1.0-1: debs/alpha_1.0-1_all.deb is corrupt (SHA-256 differs from the manifest)']);
	});

	it('verifyBundle names each missing or truncated .deb with its package and version', async () => {
		const {file} = await smallBundle('damaged.tar');
		const bundle = await opened(file);
		rmSync(join(bundle.dir, 'debs', 'alpha_1.0-1_all.deb'));
		truncateSync(join(bundle.dir, 'debs', 'beta_2:1.0~rc1_amd64.deb'), 5);
		expect(await verifyBundle(bundle)).toEqual([
			'alpha 1.0-1: debs/alpha_1.0-1_all.deb is missing',
			'beta 2:1.0~rc1: debs/beta_2:1.0~rc1_amd64.deb is 5 bytes, the manifest says 21 (truncated or replaced)',
		]);
	});

	const refusals: Array<{name: string; make: () => Promise<string>; message: RegExp}> = [
		{name: 'a file that is not there', make: async () => join(root, 'nowhere.tar'), message: /nowhere\.tar: no such bundle file/},
		{
			name: 'a file that is not a tar',
			make: async () => {
				writeFileSync(join(root, 'notes.txt'), 'just some notes\n'.repeat(100));
				return join(root, 'notes.txt');
			},
			message: /notes\.txt is not a pgha bundle: it is not a tar file/,
		},
		{
			name: 'a compressed bundle',
			make: async () => {
				writeFileSync(join(root, 'small.tar.gz'), gzipSync(Buffer.alloc(1024)));
				return join(root, 'small.tar.gz');
			},
			message: /small\.tar\.gz is compressed \(gzip\); a bundle is an uncompressed tar: gunzip it first/,
		},
		{name: 'a tar that is not a bundle', make: () => tarOf('other.tar', {'backup/notes.txt': 'hello'}), message: /other\.tar is not a pgha bundle: it holds no pgha-bundle\/manifest\.json/},
		{name: 'a manifest that is not JSON', make: () => tarOf('json.tar', {'pgha-bundle/manifest.json': '{format: 1'}), message: /json\.tar: pgha-bundle\/manifest\.json is not valid JSON/},
		{
			name: 'a newer format',
			make: () => tarOf('newer.tar', {'pgha-bundle/manifest.json': JSON.stringify({format: 2})}),
			message: /newer\.tar is a bundle of format 2, made by a newer pgha; this pgha reads format 1/,
		},
		{name: 'no format at all', make: () => tarOf('noformat.tar', {'pgha-bundle/manifest.json': '{}'}), message: /names no bundle format; it was not made by `pgha bundle create`/},
	];
	for (const refusal of refusals)
		it(`refuses ${refusal.name} with a BundleError (exit 2)`, async () => {
			const file = await refusal.make();
			const error = await openBundle(file).then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(error).toBeInstanceOf(BundleError);
			expect((error as BundleError).exitCode).toBe(exitCodes.usage);
			expect((error as BundleError).message).toMatch(refusal.message);
		});

	it('names the field of a manifest that fails the schema, and the package it belongs to', async () => {
		const {manifest} = await smallBundle('fields.tar');
		const bad = {...manifest, packages: [{...manifest.packages[0], sha256: 'abc'}, manifest.packages[1]]};
		expect(() => parseManifest(JSON.stringify(bad), 'b.tar')).toThrow('b.tar: pgha-bundle/manifest.json is not a valid bundle manifest: packages[0].sha256 (alpha) must be a SHA-256 in hex');
		const file = await tarOf('badfield.tar', {'pgha-bundle/manifest.json': JSON.stringify({...manifest, arch: 7})});
		await expect(openBundle(file)).rejects.toThrow(/badfield\.tar: pgha-bundle\/manifest\.json is not a valid bundle manifest: arch /);
	});

	it('refuses a bundle cut short (a copy that did not finish)', async () => {
		const {file} = await smallBundle('whole.tar');
		const cut = join(root, 'cut.tar');
		// Past the manifest and the index, into the first .deb.
		writeFileSync(cut, readFileSync(file).subarray(0, 512 * 6 + 100));
		await expect(openBundle(cut)).rejects.toThrow(/cut\.tar could not be extracted: .*Truncated input/);
	});

	it('refuses a bundle made for another Debian release', async () => {
		const {manifest} = await smallBundle('for-trixie-base.tar');
		const file = await tarOf('trixie.tar', {'pgha-bundle/manifest.json': JSON.stringify({...manifest, debian: {codename: 'trixie', version: '13'}})});
		await expect(openBundle(file)).rejects.toThrow(/trixie\.tar was made for Debian 13 \(trixie\); pgha installs onto Debian 12 \(bookworm\)/);
	});
});

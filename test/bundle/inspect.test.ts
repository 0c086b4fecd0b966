import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {writeBundle} from '../../source/bundle/archive.js';
import {inspectBundle} from '../../source/bundle/inspect.js';
import type {BundleManifest} from '../../source/bundle/manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'pgha-inspect-'));
const home = process.env['HOME'];

afterEach(() => {
	if (home === undefined) delete process.env['HOME'];
	else process.env['HOME'] = home;
});

afterAll(() => rmSync(dir, {recursive: true, force: true}));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A bundle of one made-up .deb; `damage` writes other bytes than the manifest's SHA-256 says. */
async function bundleAt(file: string, options: {codename?: string; damage?: boolean} = {}): Promise<string> {
	const content = 'alpha contents';
	const debs = join(dir, `${relative(dir, file).replaceAll('/', '_')}.debs`);
	mkdirSync(debs, {recursive: true});
	writeFileSync(join(debs, 'alpha_1.0-1_all.deb'), options.damage ? 'alpha c0ntents' : content);
	const manifest: BundleManifest = {
		format: 1,
		createdAt: '2026-11-30T12:00:00.000Z',
		createdBy: 'pgha 0.1.0',
		debian: options.codename === 'trixie' ? {codename: 'trixie', version: '13'} : {codename: 'bookworm', version: '12', pointRelease: '12.9'},
		arch: 'amd64',
		sources: [],
		roles: {etcd: {packages: ['alpha'], closure: ['alpha']}},
		packages: [{name: 'alpha', version: '1.0-1', arch: 'all', file: 'alpha_1.0-1_all.deb', size: content.length, sha256: sha(content)}],
	};
	await writeBundle({output: file, manifest, packagesIndex: `Package: alpha\nVersion: 1.0-1\nFilename: debs/alpha_1.0-1_all.deb\nSize: ${content.length}\nSHA256: ${sha(content)}\n`, debs: new Map([['alpha_1.0-1_all.deb', join(debs, 'alpha_1.0-1_all.deb')]])});
	return file;
}

describe('inspectBundle', () => {
	it('opens the bundle and proves it, then says what it holds', async () => {
		const file = await bundleAt(join(dir, 'good.tar'));
		expect(await inspectBundle(file)).toEqual({ok: true, summary: expect.stringMatching(/^bundle for Debian 12 \(12\.9\) amd64: 1 packages, \d+\.\d MB, made 2026-11-30$/)});
	});

	it('takes ~ as the home and a relative path from the working directory', async () => {
		mkdirSync(join(dir, 'home'), {recursive: true});
		const file = await bundleAt(join(dir, 'home', 'pgha-bundle.tar'));
		process.env['HOME'] = join(dir, 'home');
		expect(await inspectBundle('~/pgha-bundle.tar')).toMatchObject({ok: true});
		expect(await inspectBundle(relative(process.cwd(), file))).toMatchObject({ok: true});
	});

	it('names a damaged package, another Debian release, and a file that is no bundle', async () => {
		const damaged = await bundleAt(join(dir, 'damaged.tar'), {damage: true});
		const result = await inspectBundle(damaged);
		expect(result).toMatchObject({ok: false, message: expect.stringContaining(`${damaged} cannot be used: alpha 1.0-1`)});
		const trixie = await bundleAt(join(dir, 'trixie.tar'), {codename: 'trixie'});
		expect(await inspectBundle(trixie)).toEqual({ok: false, message: `${trixie} was made for Debian 13 (trixie); pgha installs onto Debian 12 (bookworm)`});
		const plain = join(dir, 'plain.tar');
		writeFileSync(plain, 'not a tar at all');
		expect(await inspectBundle(plain)).toMatchObject({ok: false, message: expect.stringContaining(plain)});
	});

	it('says when there is no file at the path, naming it in full', async () => {
		process.env['HOME'] = dir;
		expect(await inspectBundle('~/missing.tar')).toEqual({ok: false, message: `no file at ${join(dir, 'missing.tar')}`});
		writeFileSync(join(dir, 'small.tar'), 'x');
		const below = join(dir, 'small.tar', 'inside.tar');
		expect(await inspectBundle(below)).toEqual({ok: false, message: `no file at ${below}`});
	});

	it('refuses a directory as not a regular file', async () => {
		expect(await inspectBundle(dir)).toEqual({ok: false, message: `${dir} is not a regular file`});
	});

	it('says a path it cannot follow cannot be read', async () => {
		// A loop of links fails to resolve for every user, root included.
		const loop = join(dir, 'loop.tar');
		symlinkSync(loop, loop);
		expect(await inspectBundle(loop)).toEqual({ok: false, message: `${loop} cannot be read`});
	});
});

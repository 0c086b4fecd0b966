import {mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {inspectBundle} from '../../source/bundle/inspect.js';

const dir = mkdtempSync(join(tmpdir(), 'pgha-inspect-'));
const home = process.env['HOME'];

afterEach(() => {
	if (home === undefined) delete process.env['HOME'];
	else process.env['HOME'] = home;
});

afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('inspectBundle', () => {
	it('names a regular file by its absolute path and its size in MB', async () => {
		const file = join(dir, 'small.tar');
		writeFileSync(file, Buffer.alloc(1_500_000));
		expect(await inspectBundle(file)).toEqual({ok: true, summary: `bundle file ${file} (1.5 MB)`});
		// Sizes past 10 MB in whole megabytes; a sparse file costs no disk.
		const large = join(dir, 'large.tar');
		writeFileSync(large, '');
		truncateSync(large, 412_400_000);
		expect(await inspectBundle(large)).toEqual({ok: true, summary: `bundle file ${large} (412 MB)`});
	});

	it('takes ~ as the home and a relative path from the working directory', async () => {
		const file = join(dir, 'home', 'pgha-bundle.tar');
		mkdirSync(join(dir, 'home'), {recursive: true});
		writeFileSync(file, 'x');
		process.env['HOME'] = join(dir, 'home');
		expect(await inspectBundle('~/pgha-bundle.tar')).toEqual({ok: true, summary: `bundle file ${file} (0.0 MB)`});
		expect(await inspectBundle(relative(process.cwd(), file))).toEqual({ok: true, summary: `bundle file ${file} (0.0 MB)`});
	});

	it('says when there is no file at the path, naming it in full', async () => {
		process.env['HOME'] = dir;
		expect(await inspectBundle('~/missing.tar')).toEqual({ok: false, message: `no file at ${join(dir, 'missing.tar')}`});
		const below = join(dir, 'small.tar', 'inside.tar');
		writeFileSync(join(dir, 'small.tar'), 'x');
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

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {writeBundle} from '../../source/bundle/archive.js';
import {parseRoles, progressPrinter} from '../../source/commands/bundle.js';
import type {Flags} from '../../source/commands/context.js';
import {main} from '../../source/commands/main.js';
import {exitCodes} from '../../source/errors.js';
import {manifest} from '../bundle/fixture-manifest.js';
import {captureIo, noFlags} from './io.js';

const root = mkdtempSync(join(tmpdir(), 'pgha-bundle-command-'));
afterAll(() => rmSync(root, {recursive: true, force: true}));

describe('pgha bundle refuses bad usage before doing anything', () => {
	const cases: Array<{name: string; args: string[]; flags?: Partial<Flags>; message: RegExp}> = [
		{name: 'no subcommand', args: ['bundle'], message: /bundle needs what to do: pgha bundle create/},
		{name: 'an unknown subcommand', args: ['bundle', 'pack'], message: /bundle needs what to do/},
		{name: 'an argument to create', args: ['bundle', 'create', 'x.tar'], message: /bundle create takes no arguments \(got "x.tar"\); name the file with --output FILE/},
		{name: 'show without a file', args: ['bundle', 'show'], message: /bundle show needs one bundle file/},
		{name: 'an unknown role', args: ['bundle', 'create'], flags: {roles: 'postgres,db'}, message: /--roles: unknown role "db"; the roles are postgres, etcd, balancer, backup/},
		{name: 'an unknown architecture', args: ['bundle', 'create'], flags: {arch: 'sparc'}, message: /--arch must be one of Debian 12's architectures \(amd64, arm64.*\), not "sparc"/},
		{name: 'a mirror that is not a URI', args: ['bundle', 'create'], flags: {mirror: 'deb.debian.org/debian', output: join(root, 'm.tar')}, message: /--mirror must be an http:\/\/, https:\/\/ or file:\/ URI/},
		{name: 'a file that is not there', args: ['bundle', 'show', join(root, 'nowhere.tar')], message: /nowhere\.tar: no such bundle file/},
	];
	for (const c of cases)
		it(c.name, async () => {
			const io = captureIo({PGHA_HOME: join(root, 'home'), PATH: process.env['PATH']!});
			expect(await main(c.args, {...noFlags, ...c.flags}, io)).toBe(exitCodes.usage);
			expect(io.stderr()).toMatch(c.message);
		});

	it('without apt-get, says bundles are made on a Debian or Ubuntu machine', async () => {
		const io = captureIo({PGHA_HOME: join(root, 'home'), PATH: join(root, 'no-tools')});
		expect(await main(['bundle', 'create'], {...noFlags, output: join(root, 'never.tar')}, io)).toBe(exitCodes.failed);
		expect(io.stderr()).toMatch(/pgha: bundles are made on a Debian or Ubuntu machine with apt/);
	});

	it('parseRoles keeps pgha\'s order and takes all roles by default', () => {
		expect(parseRoles(undefined)).toEqual(['postgres', 'etcd', 'balancer', 'backup']);
		expect(parseRoles('backup, etcd')).toEqual(['etcd', 'backup']);
	});
});

describe('pgha bundle show', () => {
	const bundleFile = async () => {
		const debs = new Map(manifest.packages.map(deb => [deb.file, join(root, deb.file)]));
		for (const path of debs.values()) writeFileSync(path, 'made up');
		const file = join(root, 'show.tar');
		await writeBundle({output: file, manifest, packagesIndex: '', debs});
		return file;
	};

	it('prints the release, the roles and the totals', async () => {
		const file = await bundleFile();
		const io = captureIo();
		expect(await main(['bundle', 'show', file], noFlags, io)).toBe(exitCodes.ok);
		expect(io.lines[0]).toBe(`Bundle ${file}`);
		expect(io.stdout()).toMatch(/Debian 12 \(bookworm\), point release 12\.11, amd64/);
		expect(io.stdout()).toMatch(/Role etcd: 2 packages, 3 \.debs with their dependencies \(15\.3 MB\)\n {2}etcd-client 3\.4\.23-4\+b6/);
		expect(io.stdout()).toMatch(/Total: 4 \.debs, 17\.3 MB/);
	});

	it('--json gives the manifest and its totals', async () => {
		const file = await bundleFile();
		const io = captureIo();
		expect(await main(['bundle', 'show', file], {...noFlags, json: true}, io)).toBe(exitCodes.ok);
		const shown = JSON.parse(io.stdout()) as typeof manifest & {totals: {packages: number; bytes: number; fileBytes: number}};
		expect(shown).toMatchObject({...manifest, totals: {packages: 4, bytes: 17_300_000}});
		expect(shown.totals.fileBytes).toBeGreaterThan(0);
	});
});

describe('bundle create progress', () => {
	it('prints steps, warnings and stalls at once, and the count at most every 2 s and when done', () => {
		const lines: string[] = [];
		let now = 10_000;
		const print = progressPrinter({err: line => lines.push(line)}, () => now);
		const progress = (done: number, bytes: number) => ({type: 'progress' as const, packagesDone: done, packagesTotal: 3, bytesDone: bytes, bytesTotal: 3_000_000, reused: 1, current: `p${done}.deb`});
		print({type: 'step', text: 'Resolving the etcd role'});
		print(progress(0, 0));
		now += 500;
		print(progress(1, 1_000_000));
		print({type: 'stalled', file: 'p2.deb', attempt: 1, attempts: 3, stallMs: 30_000, retrying: true});
		print({type: 'warning', text: 'no security archive'});
		now += 2000;
		print(progress(2, 2_000_000));
		print(progress(3, 3_000_000));
		expect(lines).toEqual([
			'Resolving the etcd role',
			'Fetched 0/3 packages, 0.0 MB of 3.0 MB, 1 reused (p0.deb)',
			'Stalled: no data for 30 s on p2.deb (attempt 1 of 3), trying again',
			'Warning: no security archive',
			'Fetched 2/3 packages, 2.0 MB of 3.0 MB, 1 reused (p2.deb)',
			'Fetched 3/3 packages, 3.0 MB of 3.0 MB, 1 reused',
		]);
	});
});

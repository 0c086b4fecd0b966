import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bundleSimulationScript} from '../../recipes/host/apt-scripts.js';
import {openBundle as openBundleOnce, packagesIndexFor, verifyBundle} from '../../source/bundle/archive.js';
import {createBundle, type CreateEvent} from '../../source/bundle/create.js';
import {bundleManifestSchema, debsForRoles} from '../../source/bundle/manifest.js';
import {splitStanzas, stanzaField} from '../../source/bundle/packages-index.js';
import type {AptSource} from '../../source/bundle/sources.js';
import {buildFixtureArchive, fixtureRoles, poolName, requireDebianTools} from './fixture-archive.js';

// The real path end to end: this machine's apt-get resolves from a file: archive
// of real .debs, the downloader fetches them, the tar is written, opened and verified.
describe('createBundle from a file: archive', () => {
	let root: string;
	let archive: string;
	let sources: AptSource[];
	const packagesOf = (role: string) => fixtureRoles[role as keyof typeof fixtureRoles] ?? [];

	beforeAll(() => {
		requireDebianTools();
		root = mkdtempSync(join(tmpdir(), 'pgha-bundle-create-'));
		archive = join(root, 'archive');
		const uri = buildFixtureArchive(archive);
		sources = ['bookworm', 'bookworm-updates'].map(suite => ({uri, suite, components: ['main'], trust: 'unsigned' as const}));
	});

	// Extractions live under the shared temporary directory; the test removes its own.
	const extracted = new Set<string>();
	const openBundle = async (file: string) => {
		const opened = await openBundleOnce(file);
		extracted.add(dirname(opened.dir));
		return opened;
	};
	afterAll(() => {
		for (const dir of [...extracted, root]) rmSync(dir, {recursive: true, force: true});
	});

	const make = (output: string, events: CreateEvent[] = [], cacheDir = join(root, 'cache')) =>
		createBundle({output, roles: ['postgres', 'etcd'], arch: 'amd64', cacheDir, sources, packagesOf, localArchives: [], onProgress: event => events.push(event)});

	it('holds the complete closure of each role, its manifest and its Packages index, and verifies clean', async () => {
		const events: CreateEvent[] = [];
		const output = join(root, 'first.tar');
		const created = await make(output, events);
		const {manifest} = created;

		expect(bundleManifestSchema.parse(manifest)).toEqual(manifest);
		expect(manifest.debian).toEqual({codename: 'bookworm', version: '12', pointRelease: '12.9'});
		expect(manifest.arch).toBe('amd64');
		expect(manifest.createdBy).toMatch(/^pgha \d+\.\d+\.\d+/);
		// The alternative takes its first choice; the Essential package nothing depends on is not pulled in.
		expect(manifest.roles).toEqual({
			postgres: {packages: ['pgha-app'], closure: ['pgha-app', 'pgha-base', 'pgha-lib', 'pgha-tool']},
			etcd: {packages: ['pgha-other'], closure: ['pgha-base', 'pgha-other']},
		});
		// bookworm-updates wins over bookworm; epochs stay in the version and out of the file name.
		expect(manifest.packages.map(deb => `${deb.name} ${deb.version} ${deb.file}`)).toEqual([
			'pgha-app 1:2.0~rc1-1 pgha-app_2.0~rc1-1_all.deb',
			'pgha-base 2:3.0-1 pgha-base_3.0-1_all.deb',
			'pgha-lib 1.0-1+deb12u1 pgha-lib_1.0-1+deb12u1_amd64.deb',
			'pgha-other 5.1-2 pgha-other_5.1-2_all.deb',
			'pgha-tool 0.9~beta-2 pgha-tool_0.9~beta-2_amd64.deb',
		]);
		for (const deb of manifest.packages) {
			const pool = readFileSync(join(archive, 'pool/main/p', deb.name, deb.file));
			expect(deb.sha256).toBe(createHash('sha256').update(pool).digest('hex'));
			expect(deb.size).toBe(pool.length);
		}
		expect(debsForRoles(manifest, ['etcd']).missing).toEqual([]);
		expect(created.reused).toBe(0);
		expect(created.fetchedBytes).toBe(manifest.packages.reduce((sum, deb) => sum + deb.size, 0));
		expect(existsSync(`${output}.partial`)).toBe(false);

		const last = events.filter(event => event.type === 'progress').at(-1);
		expect(last).toMatchObject({packagesDone: 5, packagesTotal: 5, reused: 0});
		expect(events.filter(event => event.type === 'step').map(event => event.text).join('\n')).toMatch(/Resolving the postgres role \(pgha-app\)/);

		const opened = await openBundle(output);
		expect(opened.manifest).toEqual(manifest);
		const stanzas = splitStanzas(opened.packagesIndex);
		expect(stanzas.map(stanza => stanzaField(stanza, 'Filename'))).toEqual(manifest.packages.map(deb => `debs/${deb.file}`));
		expect(stanzas.map(stanza => stanzaField(stanza, 'SHA256'))).toEqual(manifest.packages.map(deb => deb.sha256));
		expect(stanzaField(stanzas[0]!, 'Depends')).toBe('pgha-lib (>= 1.0), pgha-tool | pgha-tool-alt');
		expect(existsSync(join(opened.dir, 'debs', 'pgha-app_2.0~rc1-1_all.deb'))).toBe(true);
		expect(await verifyBundle(opened)).toEqual([]);

		// A second open reuses the extraction instead of unpacking again.
		writeFileSync(join(opened.dir, 'left-by-the-test'), '');
		const again = await openBundle(output);
		expect(again.dir).toBe(opened.dir);
		expect(existsSync(join(again.dir, 'left-by-the-test'))).toBe(true);

		const etcdOnly = packagesIndexFor(opened.packagesIndex, new Set(debsForRoles(manifest, ['etcd']).debs.map(deb => deb.file)));
		expect(splitStanzas(etcdOnly).map(stanza => stanzaField(stanza, 'Package'))).toEqual(['pgha-base', 'pgha-other']);
	});

	it('a warm re-run fetches nothing: every .deb comes from the cache', async () => {
		const cacheDir = join(root, 'warm-cache');
		await make(join(root, 'cold.tar'), [], cacheDir);
		// With the pool gone, anything not taken from the cache would fail to download.
		const pool = join(root, 'pool-away');
		rmSync(pool, {recursive: true, force: true});
		mkdirSync(pool);
		renameSync(join(archive, 'pool'), join(pool, 'pool'));
		try {
			const events: CreateEvent[] = [];
			const warm = await make(join(root, 'warm.tar'), events, cacheDir);
			expect(warm.reused).toBe(5);
			expect(warm.fetchedBytes).toBe(0);
			expect(events.filter(event => event.type === 'progress').at(-1)).toMatchObject({packagesDone: 5, reused: 5});
			expect(await verifyBundle(await openBundle(join(root, 'warm.tar')))).toEqual([]);
		} finally {
			renameSync(join(pool, 'pool'), join(archive, 'pool'));
		}
	});

	it('takes a matching .deb from a local apt archive (epoch spelled %3a) instead of fetching it', async () => {
		const local = join(root, 'apt-archives');
		mkdirSync(local, {recursive: true});
		writeFileSync(join(local, 'pgha-base_2%3a3.0-1_all.deb'), readFileSync(join(archive, 'pool/main/p/pgha-base', poolName({name: 'pgha-base', version: '2:3.0-1', arch: 'all'}))));
		// A file of the right name but other content is not taken.
		writeFileSync(join(local, 'pgha-other_5.1-2_all.deb'), 'not the package');
		const created = await createBundle({output: join(root, 'local.tar'), roles: ['etcd'], arch: 'amd64', cacheDir: join(root, 'local-cache'), sources, packagesOf, localArchives: [local]});
		expect(created.reused).toBe(1);
		expect(await verifyBundle(await openBundle(join(root, 'local.tar')))).toEqual([]);
	});

	it('verifyBundle names the package of a .deb corrupted inside the tar', async () => {
		const output = join(root, 'corrupt.tar');
		const {manifest} = await make(output);
		const tar = readFileSync(output);
		const lib = manifest.packages.find(deb => deb.name === 'pgha-lib')!;
		const content = readFileSync(join(archive, 'pool/main/p/pgha-lib', lib.file));
		const at = tar.indexOf(content);
		expect(at).toBeGreaterThan(0);
		tar[at + Math.floor(content.length / 2)] ^= 0xff;
		writeFileSync(output, tar);
		expect(await verifyBundle(await openBundle(output))).toEqual([`pgha-lib 1.0-1+deb12u1: debs/${lib.file} is corrupt (SHA-256 differs from the manifest)`]);
	});

	it('stopped while fetching, it leaves no bundle and no partial files', async () => {
		const controller = new AbortController();
		const output = join(root, 'stopped.tar');
		const cacheDir = join(root, 'stopped-cache');
		const run = createBundle({
			output,
			roles: ['postgres', 'etcd'],
			arch: 'amd64',
			cacheDir,
			sources,
			packagesOf,
			localArchives: [],
			signal: controller.signal,
			onProgress: event => {
				if (event.type === 'progress' && event.packagesDone === 2) controller.abort(new Error('stopped by the test'));
			},
		});
		await expect(run).rejects.toThrow('stopped by the test');
		expect(existsSync(output)).toBe(false);
		expect(existsSync(`${output}.partial`)).toBe(false);
		expect(readdirSync(join(cacheDir, 'debs')).filter(name => name.endsWith('.partial'))).toEqual([]);
	});

	it('refuses an archive whose bookworm is another release', async () => {
		const other = join(root, 'trixie-archive');
		const uri = buildFixtureArchive(other, {codename: 'trixie'});
		const wrong = [{uri, suite: 'bookworm', components: ['main'], trust: 'unsigned' as const}];
		await expect(createBundle({output: join(root, 'never.tar'), roles: ['etcd'], arch: 'amd64', cacheDir: join(root, 'cache'), sources: wrong, packagesOf, localArchives: []})).rejects.toThrow(
			`${uri} serves trixie as bookworm, not Debian 12 (bookworm); give a Debian 12 mirror`,
		);
		expect(existsSync(join(root, 'never.tar'))).toBe(false);
	});

	it('says which packages apt cannot find', async () => {
		await expect(
			createBundle({output: join(root, 'never.tar'), roles: ['backup'], arch: 'amd64', cacheDir: join(root, 'cache'), sources, packagesOf: () => ['pgha-nowhere'], localArchives: []}),
		).rejects.toThrow(/apt cannot install the backup role's packages \(pgha-nowhere\) from these archives:\n {2}E: Unable to locate package pgha-nowhere/);
	});

	// The preflight's question to a host, asked of this machine's apt with the bundle's index alone.
	it("the host's simulation installs from the bundle's index alone, and names a version the bundle lacks", async () => {
		const bundle = await openBundle((await make(join(root, 'simulate.tar'))).file);
		const index = packagesIndexFor(bundle.packagesIndex, new Set(bundle.manifest.packages.map(deb => deb.file)));
		const simulate = (pins: Map<string, string>) => spawnSync('bash', ['-c', bundleSimulationScript(['pgha-app'], pins)], {input: index, encoding: 'utf8'});
		const fits = simulate(new Map([['pgha-app', '1:2.0~rc1-1']]));
		expect(fits.status, fits.stdout + fits.stderr).toBe(0);
		const lacking = simulate(new Map([['pgha-app', '9.9']]));
		expect(lacking.status).toBe(1);
		expect(lacking.stdout).toContain("E: Version '9.9' for 'pgha-app' was not found");
	});
});

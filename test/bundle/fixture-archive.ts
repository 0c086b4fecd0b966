import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {onPath} from '../../source/bundle/tool.js';

/** One package of the test archive. */
export type FixtureDeb = {
	name: string;
	version: string;
	arch: 'amd64' | 'all';
	depends?: string;
	essential?: boolean;
	suite?: 'bookworm' | 'bookworm-updates';
};

/**
 * The packages of the test archive: an alternative dependency, a versioned
 * one, epochs and tildes, a newer version in bookworm-updates, and an
 * Essential package nothing depends on.
 */
export const fixtureDebs: FixtureDeb[] = [
	{name: 'pgha-app', version: '1:2.0~rc1-1', arch: 'all', depends: 'pgha-lib (>= 1.0), pgha-tool | pgha-tool-alt'},
	{name: 'pgha-lib', version: '1.0-1', arch: 'amd64'},
	{name: 'pgha-lib', version: '1.0-1+deb12u1', arch: 'amd64', suite: 'bookworm-updates'},
	{name: 'pgha-tool', version: '0.9~beta-2', arch: 'amd64', depends: 'pgha-base'},
	{name: 'pgha-tool-alt', version: '1.0-1', arch: 'all'},
	{name: 'pgha-base', version: '2:3.0-1', arch: 'all'},
	{name: 'pgha-essential', version: '1.0', arch: 'all', essential: true},
	{name: 'pgha-other', version: '5.1-2', arch: 'all', depends: 'pgha-base (>= 2:3.0)'},
];

/** The roles of the test archive: postgres needs the app, etcd the other package. */
export const fixtureRoles = {postgres: ['pgha-app'], etcd: ['pgha-other']} as const;

/** Fails (never skips) when this machine lacks the Debian tools the bundle tests run for real. */
export function requireDebianTools(): void {
	const missing = ['dpkg-deb', 'apt-get', 'apt-cache'].filter(tool => !onPath(tool));
	if (missing.length > 0) throw new Error(`the bundle tests run the real ${missing.join(', ')}, which this machine lacks: run them on Debian or Ubuntu (apt and dpkg installed)`);
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A .deb's name in the pool, as Debian names it: no epoch. */
export function poolName(deb: FixtureDeb): string {
	return `${deb.name}_${deb.version.replace(/^\d+:/, '')}_${deb.arch}.deb`;
}

/**
 * Builds a Debian-shaped archive under root (pool/, dists/<suite>/Release and
 * main/binary-amd64/Packages) from real .debs made with dpkg-deb, and returns
 * its file: URI. The Release files are unsigned.
 */
export function buildFixtureArchive(root: string, options: {codename?: string; version?: string} = {}): string {
	const bySuite = new Map<string, string[]>([
		['bookworm', []],
		['bookworm-updates', []],
	]);
	for (const deb of fixtureDebs) {
		const build = join(root, 'build', `${deb.name}-${deb.version}`);
		mkdirSync(join(build, 'DEBIAN'), {recursive: true});
		mkdirSync(join(build, 'usr/share/doc', deb.name), {recursive: true});
		writeFileSync(join(build, 'usr/share/doc', deb.name, 'README'), `${deb.name} ${deb.version}\n`);
		const control = [
			`Package: ${deb.name}`,
			`Version: ${deb.version}`,
			`Architecture: ${deb.arch}`,
			'Maintainer: pgha tests <tests@example.org>',
			...(deb.essential ? ['Essential: yes', 'Priority: required'] : ['Priority: optional']),
			...(deb.depends ? [`Depends: ${deb.depends}`] : []),
			`Description: ${deb.name}, a package of the bundle tests`,
		];
		writeFileSync(join(build, 'DEBIAN/control'), `${control.join('\n')}\n`);
		const poolPath = `pool/main/p/${deb.name}/${poolName(deb)}`;
		mkdirSync(join(root, `pool/main/p/${deb.name}`), {recursive: true});
		execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', build, join(root, poolPath)], {stdio: 'pipe'});
		const fields = execFileSync('dpkg-deb', ['-f', join(root, poolPath)], {encoding: 'utf8'}).trimEnd();
		bySuite.get(deb.suite ?? 'bookworm')!.push(`${fields}\nFilename: ${poolPath}\nSize: ${statSync(join(root, poolPath)).size}\nSHA256: ${sha256(join(root, poolPath))}\n`);
	}
	for (const [suite, stanzas] of bySuite) {
		const dir = join(root, 'dists', suite);
		mkdirSync(join(dir, 'main/binary-amd64'), {recursive: true});
		const packages = join(dir, 'main/binary-amd64/Packages');
		writeFileSync(packages, stanzas.join('\n'));
		const codename = suite === 'bookworm' ? (options.codename ?? 'bookworm') : suite;
		const release = [
			'Origin: Debian',
			'Label: Debian',
			`Suite: ${suite === 'bookworm' ? 'stable' : 'stable-updates'}`,
			...(suite === 'bookworm' ? [`Version: ${options.version ?? '12.9'}`] : []),
			`Codename: ${codename}`,
			'Architectures: amd64',
			'Components: main',
			'SHA256:',
			` ${sha256(packages)} ${statSync(packages).size} main/binary-amd64/Packages`,
		];
		writeFileSync(join(dir, 'Release'), `${release.join('\n')}\n`);
	}
	return `${pathToFileURL(root).href}/`;
}

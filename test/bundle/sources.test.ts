import {describe, expect, it} from 'vitest';
import {bundleSources, debianKeyring, describeSource, sourcesListLine} from '../../source/bundle/sources.js';
import {defaultSources} from '../../source/bundle/create.js';

describe('bundle sources', () => {
	it('takes bookworm and bookworm-updates from the main archive and bookworm-security from the security one', () => {
		const {sources, warnings} = bundleSources({debian: 'http://deb.debian.org/debian', security: 'http://deb.debian.org/debian-security/'});
		expect(sources.map(sourcesListLine)).toEqual([
			`deb [target=Packages signed-by=${debianKeyring}] http://deb.debian.org/debian/ bookworm main`,
			`deb [target=Packages signed-by=${debianKeyring}] http://deb.debian.org/debian/ bookworm-updates main`,
			`deb [target=Packages signed-by=${debianKeyring}] http://deb.debian.org/debian-security/ bookworm-security main`,
		]);
		expect(warnings).toEqual([]);
		expect(sources.map(describeSource)[2]).toBe('http://deb.debian.org/debian-security/ bookworm-security main');
	});

	it('guesses no security archive: without one it is left out and said', () => {
		const {sources, warnings} = bundleSources({debian: 'http://mirror.example/debian/'});
		expect(sources.map(source => source.suite)).toEqual(['bookworm', 'bookworm-updates']);
		expect(warnings).toEqual([expect.stringMatching(/names no security archive, so the bundle holds no bookworm-security updates/)]);
	});

	it('an unsigned test archive is marked trusted', () => {
		expect(sourcesListLine({uri: 'file:/srv/archive/', suite: 'bookworm', components: ['main'], trust: 'unsigned'})).toBe('deb [target=Packages trusted=yes] file:/srv/archive/ bookworm main');
	});
});

describe('the archives of bundle create, with --mirror and --security', () => {
	const suites = (sources: Array<{uri: string; suite: string}>) => sources.map(s => `${s.uri} ${s.suite}`);

	it('--security none leaves the security archive out and says so: the point release alone', async () => {
		const warnings: string[] = [];
		const sources = await defaultSources('http://mirror.example/debian', 'none', text => warnings.push(text));
		expect(suites(sources)).toEqual(['http://mirror.example/debian/ bookworm', 'http://mirror.example/debian/ bookworm-updates']);
		expect(warnings.join('\n')).toContain('--security none');
	});

	it('--security URL takes bookworm-security from there', async () => {
		const sources = await defaultSources('http://mirror.example/debian', 'http://security.example/debian-security', () => undefined);
		expect(suites(sources)).toContain('http://security.example/debian-security/ bookworm-security');
	});

	it('a --security that is no archive URI is a usage error naming the flag', async () => {
		await expect(defaultSources(undefined, 'security.example', () => undefined)).rejects.toThrow(/--security must be an http:\/\/, https:\/\/ or file:\/ URI of the Debian security archive, or none, not "security.example"/);
	});
});

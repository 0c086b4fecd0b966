import {describe, expect, it} from 'vitest';
import {parseDeb822, parseSourcesList, pickMirrors, withSlash} from '../../source/bundle/machine-mirrors.js';

const debianSources = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('machine mirrors', () => {
	it('reads the main and security archives from debian.sources', () => {
		expect(pickMirrors(parseDeb822(debianSources))).toEqual({
			debian: 'http://deb.debian.org/debian/',
			security: 'http://deb.debian.org/debian-security/',
		});
	});

	it('skips deb-src and disabled stanzas', () => {
		const text = `Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n\nEnabled: no\nTypes: deb\nURIs: http://off.example/debian\nSuites: bookworm\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n`;
		expect(pickMirrors(parseDeb822(text))).toEqual({debian: 'http://mirror.example/debian/'});
	});

	it('reads one-line sources.list entries, options included', () => {
		const text = `# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://ftp.example.org/debian bookworm main\ndeb http://security.example.org/debian-security bookworm-security main\ndeb-src http://ftp.example.org/debian bookworm main\n`;
		expect(pickMirrors(parseSourcesList(text))).toEqual({
			debian: 'http://ftp.example.org/debian/',
			security: 'http://security.example.org/debian-security/',
		});
	});

	it('falls back to deb.debian.org when the machine names no usable archive', () => {
		expect(pickMirrors(parseSourcesList('deb file:/srv/repo bookworm main\n'))).toEqual({debian: 'http://deb.debian.org/debian/'});
		expect(pickMirrors([])).toEqual({debian: 'http://deb.debian.org/debian/'});
	});

	it('takes no archive of another distribution for a Debian one', () => {
		const text = `deb http://archive.ubuntu.com/ubuntu jammy main\ndeb https://deb.nodesource.com/node_20.x nodistro main\ndeb http://ftp.example.org/debian bookworm main\ndeb http://security.ubuntu.com/ubuntu jammy-security main\n`;
		expect(pickMirrors(parseSourcesList(text))).toEqual({debian: 'http://ftp.example.org/debian/'});
		expect(pickMirrors(parseSourcesList('deb http://archive.ubuntu.com/ubuntu noble main\n'))).toEqual({debian: 'http://deb.debian.org/debian/'});
	});

	it('ends URIs with exactly one slash', () => {
		expect(withSlash('http://a/debian')).toBe('http://a/debian/');
		expect(withSlash('http://a/debian//')).toBe('http://a/debian/');
	});
});

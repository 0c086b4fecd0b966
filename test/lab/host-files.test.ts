import {describe, expect, it} from 'vitest';
import {aptProxyConf, aptSources, hostsFile, packageCacheConf, remapPattern, resolvConf} from '../../source/lab/host-files.js';

const mirrors = {debian: 'http://deb.debian.org/debian/', security: 'http://deb.debian.org/debian-security/'};

describe('files written into each host', () => {
	it('lists every lab host in /etc/hosts', () => {
		const text = hostsFile('node2', [
			{name: 'node1', ip: '10.131.0.11'},
			{name: 'node2', ip: '10.131.0.12'},
		]);
		expect(text).toContain('127.0.0.1\tlocalhost\n');
		expect(text).toContain('10.131.0.11\tnode1\n');
		expect(text).toContain('10.131.0.12\tnode2 # this host\n');
	});

	it('sends apt through the cache on the bridge', () => {
		expect(aptProxyConf()).toBe('Acquire::http::Proxy "http://10.131.0.254:3142";\n');
	});

	it('writes bookworm, bookworm-updates and, when proxied, bookworm-security', () => {
		const both = aptSources(mirrors, true);
		expect(both).toContain('URIs: http://deb.debian.org/debian/\nSuites: bookworm bookworm-updates\n');
		expect(both).toContain('URIs: http://deb.debian.org/debian-security/\nSuites: bookworm-security\n');
		expect(aptSources(mirrors, false)).not.toContain('security');
		expect(aptSources({debian: mirrors.debian}, true)).not.toContain('security');
	});

	it('gives the hosts no nameserver', () => {
		expect(resolvConf()).not.toMatch(/^nameserver/m);
	});
});

describe('package cache config', () => {
	const conf = packageCacheConf({cacheDir: '/c', logDir: '/l', socket: '/s', pidFile: '/p', mirrors});

	it('binds to the bridge address only, in the foreground, with its own directories', () => {
		expect(conf).toContain('BindAddress: 10.131.0.254\n');
		expect(conf).toContain('Port: 3142\n');
		expect(conf).toContain('ForeGround: 1\n');
		expect(conf).toContain('CacheDir: /c\n');
		expect(conf).toContain('SocketPath: /s\n');
	});

	it('serves the two archives and refuses anything else', () => {
		expect(conf).toContain('ForceManaged: 1\n');
		expect(conf).toContain('Remap-labdebian: deb.debian.org/debian ; http://deb.debian.org/debian/\n');
		expect(conf).toContain('Remap-labsecurity: deb.debian.org/debian-security ; http://deb.debian.org/debian-security/\n');
		expect(packageCacheConf({cacheDir: '/c', logDir: '/l', socket: '/s', pidFile: '/p', mirrors: {debian: mirrors.debian}})).not.toContain('labsecurity');
	});

	it('matches requests by host and path, without the scheme', () => {
		expect(remapPattern('https://mirror.example/debian/')).toBe('mirror.example/debian');
	});
});

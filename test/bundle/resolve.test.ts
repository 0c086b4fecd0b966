import {describe, expect, it} from 'vitest';
import {parsePrintUris, resolveBundle} from '../../source/bundle/resolve.js';

describe('resolve', () => {
	it('reads apt-get --print-uris: URI, apt\'s file name (epoch as %3a), size, with or without a hash', () => {
		const text = [
			"'http://deb.debian.org/debian/pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb' zlib1g_1%3a1.2.13.dfsg-1_amd64.deb 86684 MD5Sum:ec42cc09e926444a817ddd913057af67",
			"'http://deb.debian.org/debian-security/pool/updates/main/x/xz-utils/liblzma5_5.4.1-1%2bdeb12u2_amd64.deb' liblzma5_5.4.1-1+deb12u2_amd64.deb 205796 ",
			'',
		].join('\n');
		expect(parsePrintUris(text)).toEqual([
			{uri: 'http://deb.debian.org/debian/pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb', aptFile: 'zlib1g_1%3a1.2.13.dfsg-1_amd64.deb', size: 86684, name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'amd64'},
			{
				uri: 'http://deb.debian.org/debian-security/pool/updates/main/x/xz-utils/liblzma5_5.4.1-1%2bdeb12u2_amd64.deb',
				aptFile: 'liblzma5_5.4.1-1+deb12u2_amd64.deb',
				size: 205796,
				name: 'liblzma5',
				version: '5.4.1-1+deb12u2',
				arch: 'amd64',
			},
		]);
	});

	it('needs apt: without apt-get the message says where bundles are made', async () => {
		await expect(
			resolveBundle({sources: [], arch: 'amd64', roles: ['etcd'], packagesOf: () => ['etcd-server'], stateDir: '/nonexistent', env: {PATH: '/nonexistent'}}),
		).rejects.toThrow('bundles are made on a Debian or Ubuntu machine with apt, which resolves the packages; apt-get and apt-cache are not on this machine\'s PATH');
	});
});

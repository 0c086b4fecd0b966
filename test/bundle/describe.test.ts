import {describe, expect, it} from 'vitest';
import {bundleTotals, describeBundle} from '../../source/bundle/describe.js';
import {manifest} from './fixture-manifest.js';

describe('describeBundle', () => {
	it('shows the release, each role with its versions and closure, and the totals', () => {
		expect(describeBundle(manifest, 17_320_960)).toEqual([
			'Debian 12 (bookworm), point release 12.11, amd64',
			'Made 2026-11-30T12:00:00.000Z by pgha 0.1.0',
			'From:',
			'  http://deb.debian.org/debian/ bookworm main',
			'  http://deb.debian.org/debian/ bookworm-updates main',
			'Role etcd: 2 packages, 3 .debs with their dependencies (15.3 MB)',
			'  etcd-client 3.4.23-4+b6',
			'  etcd-server 3.4.23-4+b6',
			'Role balancer: 1 package, 2 .debs with their dependencies (4.8 MB)',
			'  haproxy 2.6.12-1+deb12u2',
			'No packages for: postgres, backup',
			'Total: 4 .debs, 17.3 MB (the file: 17.3 MB)',
		]);
		expect(bundleTotals(manifest)).toEqual({packages: 4, bytes: 17_300_000});
	});
});

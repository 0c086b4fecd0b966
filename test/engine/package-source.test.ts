import {describe, expect, test} from 'vitest';
import {example} from '../answers/fixtures.js';
import {bundleMismatches, clusterPackages, installedPins} from '../../source/engine/package-source.js';
import type {BundleManifest} from '../../source/bundle/manifest.js';
import {packagesFor} from '../../recipes/index.js';
import {roleNames} from '../../source/answers/schema.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, phasesThrough} from '../recipes/converge.js';

/** A manifest holding every role's packages at version 1.0-1 (closure = the packages themselves). */
function manifest(change: (m: BundleManifest) => void = () => undefined): BundleManifest {
	const roles = Object.fromEntries(roleNames.map(role => [role, {packages: packagesFor({roles: [role]}), closure: packagesFor({roles: [role]})}]));
	const names = [...new Set(roleNames.flatMap(role => packagesFor({roles: [role]})))];
	const m: BundleManifest = {
		format: 1,
		createdAt: '2026-11-30T00:00:00Z',
		createdBy: 'pgha 0.1.0',
		debian: {codename: 'bookworm', version: '12', pointRelease: '12.11'},
		arch: 'amd64',
		sources: [],
		roles,
		packages: names.map(name => ({name, version: '1.0-1', arch: 'amd64', file: `${name}_1.0-1_amd64.deb`, size: 1, sha256: '0'.repeat(64)})),
	};
	change(m);
	return m;
}

describe('a bundle against the answers', () => {
	test('a bundle that fits has nothing to say', () => {
		expect(bundleMismatches(example('seed-topology'), {manifest: manifest()})).toEqual([]);
	});

	test('another Debian release, a missing package or role, and a version other than the pinned one are each named', () => {
		const answers = {...example('seed-topology'), packages: {source: 'bundle' as const, bundle: '/b.tar', versions: {pgbouncer: '1.0-0'}}};
		const problems = bundleMismatches(answers, {
			manifest: manifest(m => {
				m.debian = {codename: 'trixie', version: '13'};
				m.packages = m.packages.filter(p => p.name !== 'haproxy');
				delete m.roles.backup;
			}),
		});
		expect(problems).toEqual([
			expect.stringMatching(/^it was made for Debian 13 \(trixie\); pgha installs on Debian 12 \(bookworm\)/),
			expect.stringMatching(/^role balancer needs haproxy, which the bundle does not hold/),
			expect.stringMatching(/^role backup needs role backup, which the bundle does not hold: make it with --roles including backup/),
			'pgbouncer is pinned to 1.0-0, but the bundle holds 1.0-1; a bundle never moves a cluster to other versions by itself: use a bundle with 1.0-0',
		]);
	});
});

describe('pins recorded after the packages phase', () => {
	test('every package the cluster asked for is pinned to the version installed; pins already there are kept', async () => {
		const base = example('compact');
		const answers = {...base, packages: {...base.packages, versions: {socat: '9.9-9'}}};
		const cluster = FakeCluster.of(answers);
		await converge(cluster, answers, phasesThrough(answers, 'packages'));
		const pins = await installedPins(answers, cluster.connections());
		expect(Object.keys(pins)).toEqual(clusterPackages(answers));
		expect(pins['socat']).toBe('9.9-9');
		expect(pins['haproxy']).toBe('1.0-1');
	});
});

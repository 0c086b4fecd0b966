import type {BundleManifest} from '../../source/bundle/manifest.js';

const deb = (name: string, version: string, size: number) => ({name, version, arch: 'amd64', file: `${name}_${version}_amd64.deb`, size, sha256: 'a'.repeat(64)});

/** A manifest of four made-up .debs for two roles. */
export const manifest: BundleManifest = {
	format: 1,
	createdAt: '2026-11-30T12:00:00.000Z',
	createdBy: 'pgha 0.1.0',
	debian: {codename: 'bookworm', version: '12', pointRelease: '12.11'},
	arch: 'amd64',
	sources: ['http://deb.debian.org/debian/ bookworm main', 'http://deb.debian.org/debian/ bookworm-updates main'],
	roles: {
		etcd: {packages: ['etcd-client', 'etcd-server'], closure: ['etcd-client', 'etcd-server', 'libc6']},
		balancer: {packages: ['haproxy'], closure: ['haproxy', 'libc6']},
	},
	packages: [deb('etcd-client', '3.4.23-4+b6', 5_000_000), deb('etcd-server', '3.4.23-4+b6', 7_500_000), deb('haproxy', '2.6.12-1+deb12u2', 2_000_000), deb('libc6', '2.36-9+deb12u10', 2_800_000)],
};

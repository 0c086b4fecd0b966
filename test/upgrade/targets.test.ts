import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {bundleTargets, candidatesScript, downgradesScript, mergeCandidates, packageChanges, parseCandidates} from '../../source/upgrade/targets.js';

const policy = `postgresql-15:
  Installed: 15.18-0+deb12u1
  Candidate: 15.20-0+deb12u1
  Version table:
     15.20-0+deb12u1 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
 *** 15.18-0+deb12u1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
haproxy:
  Installed: (none)
  Candidate: 2.6.12-1+deb12u4
  Version table:
libpq5:amd64:
  Installed: 15.20-0+deb12u1
  Candidate: 15.20-0+deb12u1
nothing-here:
  Installed: (none)
  Candidate: (none)
`;

describe('parseCandidates', () => {
	test('apt-cache policy gives each package its candidate; none is left out; an architecture suffix goes', () => {
		expect(parseCandidates(policy)).toEqual(
			new Map([
				['postgresql-15', '15.20-0+deb12u1'],
				['haproxy', '2.6.12-1+deb12u4'],
				['libpq5', '15.20-0+deb12u1'],
			]),
		);
	});
});

describe('mergeCandidates', () => {
	test('hosts that agree give one version per package', () => {
		const byHost = new Map([
			['postgres1', new Map([['postgresql-15', '15.20-0+deb12u1']])],
			['postgres2', new Map([['postgresql-15', '15.20-0+deb12u1']])],
			['haproxy1', new Map([['haproxy', '2.6.12-1+deb12u4']])],
		]);
		const merged = mergeCandidates(byHost, ['haproxy', 'postgresql-15', 'etcd-server']);
		expect(merged.problems).toEqual([]);
		expect(merged.versions).toEqual(new Map([['haproxy', '2.6.12-1+deb12u4'], ['postgresql-15', '15.20-0+deb12u1']]));
	});

	test('hosts that disagree are named with what each offers, and the fix', () => {
		const byHost = new Map([
			['postgres1', new Map([['postgresql-15', '15.20-0+deb12u1']])],
			['postgres2', new Map([['postgresql-15', '15.18-0+deb12u1']])],
		]);
		const merged = mergeCandidates(byHost, ['postgresql-15']);
		expect(merged.versions.size).toBe(0);
		expect(merged.problems).toEqual([
			"the hosts' package sources offer different versions of postgresql-15: 15.20-0+deb12u1 on postgres1; 15.18-0+deb12u1 on postgres2; give every host the same mirror, or upgrade from a bundle (--bundle FILE)",
		]);
	});
});

describe('bundleTargets', () => {
	test('the versions a bundle holds; a package it lacks is named', () => {
		const manifest = {packages: [{name: 'haproxy', version: '2.6.12-1+deb12u4'}]} as Parameters<typeof bundleTargets>[0];
		expect(bundleTargets(manifest, ['haproxy']).versions.get('haproxy')).toBe('2.6.12-1+deb12u4');
		expect(bundleTargets(manifest, ['haproxy', 'patroni']).problems).toEqual(['the bundle does not hold patroni; make it with pgha bundle create for every role of the cluster']);
	});
});

describe('packageChanges', () => {
	test('only the packages whose installed version is not the target, with where they come from', () => {
		const installed = new Map([
			['postgresql-15', {version: '15.18-0+deb12u1', installed: true}],
			['patroni', {version: '3.0.2-1', installed: true}],
			['pgbouncer', {version: '', installed: false}],
		]);
		const targets = new Map([
			['postgresql-15', '15.20-0+deb12u1'],
			['patroni', '3.0.2-1'],
			['pgbouncer', '1.18.0-1+deb12u1'],
		]);
		expect(packageChanges(['patroni', 'pgbouncer', 'postgresql-15', 'socat'], installed, targets)).toEqual([
			{name: 'pgbouncer', to: '1.18.0-1+deb12u1'},
			{name: 'postgresql-15', from: '15.18-0+deb12u1', to: '15.20-0+deb12u1'},
		]);
	});
});

describe('the scripts', () => {
	const hasDpkg = (() => {
		try {
			execFileSync('dpkg', ['--version'], {stdio: 'ignore'});
			return true;
		} catch {
			return false;
		}
	})();

	test('downgradesScript names each target older than what is installed, by dpkg\'s own comparison', () => {
		const script = downgradesScript([
			{name: 'postgresql-15', from: '15.20-0+deb12u1', to: '15.18-0+deb12u1'},
			{name: 'haproxy', from: '2.6.12-1+deb12u3', to: '2.6.12-1+deb12u4'},
			{name: 'keepalived', from: '1:2.2.7-1+b2', to: '2.2.8-1'},
			{name: 'pgbouncer', to: '1.18.0-1+deb12u1'},
		]);
		expect(hasDpkg, 'dpkg is needed to run the script').toBe(true);
		expect(execFileSync('bash', ['-c', script], {encoding: 'utf8'}).trim().split('\n')).toEqual(['postgresql-15', 'keepalived']);
	});

	test('candidatesScript is valid shell and asks apt for every package', () => {
		const script = candidatesScript(['postgresql-15', 'haproxy']);
		execFileSync('bash', ['-n', '-c', script]);
		expect(script).toMatch(/apt-cache policy '?postgresql-15'? '?haproxy'?$/m);
	});
});

describe('parseSimulatedInstalls', () => {
	test('apt\'s Inst lines: upgrades with the old version, new packages without, an architecture suffix dropped', async () => {
		const {parseSimulatedInstalls} = await import('../../recipes/host/apt-scripts.js');
		const out = [
			'Inst libpq5 [15.18-0+deb12u1] (15.20-0+deb12u1 Debian-Security:12/stable-security [amd64])',
			'Inst postgresql-15 [15.18-0+deb12u1] (15.20-0+deb12u1 pgha:pgha [amd64]) []',
			'Inst libfoo1:amd64 (1.2-3 Debian:12.13/stable [amd64])',
			'Conf libpq5 (15.20-0+deb12u1 Debian-Security:12/stable-security [amd64])',
		].join('\n');
		expect(parseSimulatedInstalls(out)).toEqual([
			{name: 'libpq5', from: '15.18-0+deb12u1', to: '15.20-0+deb12u1'},
			{name: 'postgresql-15', from: '15.18-0+deb12u1', to: '15.20-0+deb12u1'},
			{name: 'libfoo1', to: '1.2-3'},
		]);
	});
});

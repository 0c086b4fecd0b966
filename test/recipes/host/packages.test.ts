import {spawnSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {changedSteps, converge, drifts, failures, phasesThrough} from '../converge.js';
import {aptWatchdogFunction, bundleInstallScript, mirrorInstallScript} from '../../../recipes/host/apt-scripts.js';
import {FakeDebianHost} from '../fake-debian.js';

const pinned = (versions: Record<string, string>) => {
	const answers = withStatsPassword(example('compact'));
	return {...answers, packages: {...answers.packages, versions}};
};

describe('packages at their pinned versions', () => {
	test('a pinned version is installed exactly, and a package moved off it by hand is drift that apply puts back', async () => {
		const answers = pinned({socat: '1.7.4.4-2', haproxy: '2.6.12-1+deb12u2'});
		const cluster = FakeCluster.of(answers);
		const phases = phasesThrough(answers, 'packages');
		const first = await converge(cluster, answers, phases);
		expect(failures(first.events)).toEqual([]);
		expect(cluster.host('node1').versions.get('socat')).toBe('1.7.4.4-2');
		expect(cluster.host('node1').versions.get('keepalived')).toBe(FakeDebianHost.packageVersion);

		cluster.host('node2').versions.set('socat', '1.7.4.4-1');
		const check = await converge(cluster, answers, phases, 'check');
		expect(check.outcome.drifted).toBe(1);
		expect(drifts(check.events).flatMap(d => d.detail)).toEqual(['socat: 1.7.4.4-1 installed, pinned 1.7.4.4-2']);

		const repair = await converge(cluster, answers, phases);
		expect(changedSteps(repair.events, 'packages')).toEqual([expect.stringMatching(/^node2: packages /)]);
		expect(cluster.host('node2').versions.get('socat')).toBe('1.7.4.4-2');
	});

	test('an unpinned package keeps whatever version is installed: a re-run never upgrades', async () => {
		const answers = pinned({});
		const cluster = FakeCluster.of(answers);
		const phases = phasesThrough(answers, 'packages');
		await converge(cluster, answers, phases);
		cluster.host('node1').versions.set('haproxy', '2.6.0-1');
		const check = await converge(cluster, answers, phases, 'check');
		expect(check.outcome.drifted).toBe(0);
	});
});

describe('apt scripts', () => {
	test('a mirror install asks for pinned versions exactly and names one the source no longer offers', () => {
		const script = mirrorInstallScript(['haproxy', 'socat'], new Map([['socat', '1.7.4.4-2']]));
		expect(script).toContain('--allow-downgrades -o Dpkg::Options::=--force-confold haproxy socat=1.7.4.4-2');
		expect(script).toContain('apt-cache show socat=1.7.4.4-2 ');
		expect(script).toContain('is pinned, but the package source offers');
		expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
	});

	test('a bundle install uses only the copied directory as its source, after checking every file on the host', () => {
		const script = bundleInstallScript(['socat'], new Map([['socat', '1.7.4.4-2']]));
		expect(script).toContain('sha256sum --quiet -c SHA256SUMS');
		expect(script).toContain('-o Dir::Etc::SourceParts=/var/lib/pgha/bundle/empty');
		expect(script).toContain("rm -rf /var/lib/pgha/bundle' EXIT");
		expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
	});

	// The watchdog itself, run by bash with apt-get replaced by a stand-in.
	const watch = (standIn: string, stall = 2) =>
		spawnSync('bash', ['-c', `apt-get() { ${standIn}; }\n${aptWatchdogFunction(stall)}\napt_watched 'apt-get update' update`], {encoding: 'utf8', timeout: 60_000});

	test('an apt-get that stops making progress is stopped and retried, and the stall is said as such', () => {
		const result = watch('exec sleep 600');
		expect(result.status).toBe(1);
		expect(result.stdout.match(/apt-get update stalled: no progress from the package source for 2 s; stopping it/g)).toHaveLength(3);
		expect(result.stdout).toContain('retrying apt-get update (attempt 3 of 3)');
		expect(result.stdout).toContain('apt-get update failed 3 times');
	});

	test('an apt-get that keeps printing is never stopped, however long it runs, and its lines are passed on', () => {
		const result = watch('for i in 1 2 3 4 5; do echo "Get:$i"; sleep 1; done', 2);
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('Get:5');
		expect(result.stdout).not.toContain('stalled');
	});

	test('a failing apt-get is retried, then succeeds', () => {
		const marker = `/tmp/pgha-watchdog-${process.pid}`;
		const result = watch(`if [ -e ${marker} ]; then rm -f ${marker}; echo ok; else touch ${marker}; echo 'Err: mirror' ; return 100; fi`);
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('retrying apt-get update (attempt 2 of 3)');
	});
});

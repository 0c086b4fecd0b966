import {describe, expect, test} from 'vitest';
import type {Answers} from '../../../source/answers/schema.js';
import {buildUninstallPhases} from '../../../source/engine/phases.js';
import {planUninstall, type UninstallOptions} from '../../../source/uninstall/plan.js';
import {surveyHosts} from '../../../source/uninstall/survey.js';
import {packageRemovalScript} from '../../../recipes/host/removal-steps.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {changedSteps, converge, fakeContext, failures, phasesThrough} from '../converge.js';
import {collectEvents, runPhases} from '../../../source/engine/runner.js';
import {RemoteCommandError} from '../../../source/transport/ssh.js';

/** The compact cluster installed on fresh fake hosts. */
async function installed(): Promise<{answers: Answers; cluster: FakeCluster}> {
	const answers = withStatsPassword(example('compact'));
	const cluster = FakeCluster.of(answers);
	const run = await converge(cluster, answers, phasesThrough(answers));
	expect(failures(run.events)).toEqual([]);
	return {answers, cluster};
}

/** Surveys the fake hosts, plans and runs the uninstall's phases, as the command does after confirmation. */
async function uninstall(cluster: FakeCluster, answers: Answers, options: UninstallOptions) {
	const plan = planUninstall(answers, await surveyHosts(cluster.connections()), new Map(), options);
	expect(plan.problems).toEqual([]);
	return converge(cluster, answers, buildUninstallPhases(answers, new Map(plan.hosts.map(h => [h.name, h.removal]))));
}

describe('uninstall steps on fake hosts', () => {
	test('without --wipe-data: services stopped, packages gone, data and marker kept; a second run changes nothing; install starts again on the data', async () => {
		const {answers, cluster} = await installed();
		const node1 = cluster.host('node1');
		expect(node1.dirs.has('/var/lib/etcd/member') || node1.files.has('/data/patroni/PG_VERSION')).toBe(true);
		const data = [...node1.files.keys(), ...node1.dirs.keys()].filter(p => p.startsWith('/data/patroni') || p.startsWith('/var/lib/etcd')).sort();

		const first = await uninstall(cluster, answers, {wipeData: false, wipeBackups: false});
		expect(failures(first.events)).toEqual([]);
		expect(first.outcome.ok).toBe(true);
		for (const name of ['node1', 'node2', 'node3']) {
			const host = cluster.host(name);
			expect([...host.units.values()].filter(u => u.active || u.enabled)).toEqual([]);
			// etcd-server's purge would delete /var/lib/etcd: removed, its configuration kept.
			expect([...host.packages].filter(p => ['patroni', 'postgresql-15', 'pgbouncer', 'pgbackrest', 'haproxy', 'keepalived', 'etcd-server'].includes(p))).toEqual([]);
			expect(host.configOnly.has('etcd-server')).toBe(true);
			expect(host.files.get('/etc/pgha/cluster')?.content).toBe('compact\n');
			expect(host.files.has('/etc/patroni/config.yml')).toBe(false);
			expect(host.files.has('/etc/profile.d/pgha-etcd.sh')).toBe(false);
			expect([...host.dirs.keys()].filter(d => d.endsWith('/tls'))).toEqual([]);
		}
		expect([...node1.files.keys(), ...node1.dirs.keys()].filter(p => p.startsWith('/data/patroni') || p.startsWith('/var/lib/etcd')).sort()).toEqual(data);
		expect(node1.users.has('keepalived_script')).toBe(false);
		expect(node1.sysctls.get('net.ipv4.ip_nonlocal_bind')).toBe('0');
		expect(cluster.host('node3').files.has('/etc/cron.d/pgha-compact')).toBe(false);
		expect(cluster.host('node3').dirs.has('/var/lib/pgbackrest')).toBe(true);

		const second = await uninstall(cluster, answers, {wipeData: false, wipeBackups: false});
		expect(failures(second.events)).toEqual([]);
		expect(changedSteps(second.events)).toEqual([]);

		const again = await converge(cluster, answers, phasesThrough(answers));
		expect(failures(again.events)).toEqual([]);
		expect(again.outcome.ok).toBe(true);
		expect(cluster.host('node1').unit('patroni')).toMatchObject({active: true, enabled: true});
	});

	test('data a remove-node left behind (its marker says removed) is refused by the next install, naming what to empty; emptied, the host installs', async () => {
		const {answers, cluster} = await installed();
		const node2 = cluster.host('node2');
		node2.files.set('/etc/pgha/cluster', {...node2.files.get('/etc/pgha/cluster')!, content: 'compact\nremoved\n'});
		const refused = await converge(cluster, answers, phasesThrough(answers));
		expect(failures(refused.events).join('\n')).toMatch(/node2.*holds data from before `pgha remove-node` took it out of cluster "compact".*empty \/data\/patroni and \/var\/lib\/etcd/s);

		for (const path of [...node2.files.keys()].filter(p => p.startsWith('/data/patroni/') || p.startsWith('/var/lib/etcd/'))) node2.files.delete(path);
		for (const dir of [...node2.dirs.keys()].filter(d => d.startsWith('/data/patroni/') || d.startsWith('/var/lib/etcd/'))) node2.dirs.delete(dir);
		const again = await converge(cluster, answers, phasesThrough(answers));
		expect(failures(again.events)).toEqual([]);
		expect(node2.files.get('/etc/pgha/cluster')?.content).toBe('compact\n');
	});

	test('with --wipe-data --wipe-backups: data, repository and marker gone too, and a second run changes nothing; a fresh install follows', async () => {
		const {answers, cluster} = await installed();
		const first = await uninstall(cluster, answers, {wipeData: true, wipeBackups: true});
		expect(failures(first.events)).toEqual([]);
		for (const name of ['node1', 'node2', 'node3']) {
			const host = cluster.host(name);
			const left = [...host.files.keys(), ...host.dirs.keys()].filter(p => /^\/(data\/patroni|var\/lib\/etcd|var\/lib\/pgbackrest|etc\/pgha|var\/lib\/pgha)(\/|$)/.test(p));
			expect(left).toEqual([]);
			// Every file the install wrote is in the recipes' footprint: only the host's own SSH key is left.
			expect([...host.files.keys()]).toEqual(['/etc/ssh/ssh_host_ed25519_key.pub']);
			expect(host.configOnly.size).toBe(0);
			expect(host.packages.size).toBe(0);
		}
		const second = await uninstall(cluster, answers, {wipeData: true, wipeBackups: true});
		expect(changedSteps(second.events)).toEqual([]);

		const again = await converge(cluster, answers, phasesThrough(answers));
		expect(failures(again.events)).toEqual([]);
	});

	test('--wipe-data with the backups kept marks the repository, and preflight then refuses it, naming the way out', async () => {
		const {answers, cluster} = await installed();
		const first = await uninstall(cluster, answers, {wipeData: true, wipeBackups: false});
		expect(failures(first.events)).toEqual([]);
		expect(cluster.host('node3').files.has('/var/lib/pgbackrest/pgha-data-wiped')).toBe(true);
		const again = await converge(cluster, answers, phasesThrough(answers, 'preflight'));
		expect(failures(again.events).join('\n')).toContain('pgha uninstall --cluster compact --wipe-backups');
	});

	test('a run that fails half way (apt on one host) is finished by the next, which redoes nothing already done', async () => {
		const {answers, cluster} = await installed();
		const options = {wipeData: true, wipeBackups: true};
		const plan = planUninstall(answers, await surveyHosts(cluster.connections()), new Map(), options);
		const phases = buildUninstallPhases(answers, new Map(plan.hosts.map(h => [h.name, h.removal])));
		const context = await fakeContext(cluster, answers);
		const node2 = context.connections.get('node2')!;
		const run = node2.run.bind(node2);
		node2.run = async (script, opts) => {
			if (script.startsWith('# pgha uninstall: packages')) throw new RemoteCommandError('node2', script, {code: 100, stdout: '', stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend'});
			return run(script, opts);
		};
		const {events, sink} = collectEvents();
		const first = await runPhases(phases, context, sink);
		expect(first.ok).toBe(false);
		expect(first.failed).toMatchObject({host: 'node2', phase: 'uninstall-remove'});
		expect(failures(events).join('\n')).toContain('lock-frontend');

		const second = await converge(cluster, answers, phases);
		expect(failures(second.events)).toEqual([]);
		expect(changedSteps(second.events).every(step => step.startsWith('node2: '))).toBe(true);
		expect(cluster.host('node2').packages.size).toBe(0);
		const third = await converge(cluster, answers, phases);
		expect(changedSteps(third.events)).toEqual([]);
	});

	test('a package pgha found on the host stays', async () => {
		const answers = withStatsPassword(example('compact'));
		const cluster = FakeCluster.of(answers);
		// cron was there before pgha: the record says so.
		await cluster.host('node3').connection().run('set -e\npolicy-rc.d\napt-get $opts install -y -q --no-install-recommends --allow-downgrades -o Dpkg::Options::=--force-confold cron');
		await converge(cluster, answers, phasesThrough(answers));
		const plan = planUninstall(answers, await surveyHosts(cluster.connections()), new Map(), {wipeData: true, wipeBackups: true});
		const node3 = plan.hosts.find(h => h.name === 'node3')!;
		expect(node3.keptPackages).toContainEqual({name: 'cron', why: 'there before pgha'});
		expect(node3.removal.purge).not.toContain('cron');
		const run = await converge(cluster, answers, buildUninstallPhases(answers, new Map(plan.hosts.map(h => [h.name, h.removal]))));
		expect(failures(run.events)).toEqual([]);
		expect([...cluster.host('node3').packages]).toEqual(['cron']);
	});
});

describe('the package removal script', () => {
	test('refuses when apt would take software pgha did not install, then purges, removes and takes the dependencies pgha brought', () => {
		const script = packageRemovalScript(['patroni'], ['etcd-server'], ['patroni', 'etcd-server', 'libpq5']);
		expect(script).toContain('purge=patroni\n');
		expect(script).toContain('remove=etcd-server\n');
		expect(script).toMatch(/apt-get -s purge \$purge \$remove .*grep -vxF -f "\$mine"/);
		expect(script).toContain('exit 1');
		expect(script).toContain("deps=$(apt-get -s autoremove | awk '/^Remv /{print $2}' | grep -xF -f \"$mine\" || true)");
	});

	test('a package left with its configuration by an earlier run counts as pgha\'s, so its purge is not refused', () => {
		const script = packageRemovalScript(['etcd-server'], [], ['etcd-client']);
		expect(script).toContain("printf '%s\\n' etcd-server etcd-client");
	});

	test('with no record of what the host had, dependencies stay', () => {
		const script = packageRemovalScript(['patroni'], [], undefined);
		expect(script).not.toContain('autoremove');
		expect(script).toContain("printf '%s\\n' patroni");
	});
});

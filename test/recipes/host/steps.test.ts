import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';
import {packageSteps} from '../../../recipes/host/packages.js';
import {findHost} from '../../../source/answers/hosts.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {converge, failures, phasesThrough} from '../converge.js';

describe('host preparation steps', () => {
	test('preflight only looks: it changes nothing, on a fresh host or a converged one', async () => {
		const {firstChanged, cluster} = await provesIdempotent('preflight');
		expect(firstChanged).toEqual([]);
		expect(cluster.host('node1').packages.size).toBe(0);
	});

	test('packages: marker, createcluster.conf, packages, the script user and the postgres key, then nothing on a re-run', async () => {
		const {firstChanged, cluster} = await provesIdempotent('packages');
		expect(firstChanged).toEqual(expect.arrayContaining(['node1: file /etc/pgha/cluster', 'node1: file /etc/postgresql-common/createcluster.conf', 'node1: user keepalived_script', 'node3: ssh key of postgres']));
		expect(firstChanged.filter(s => s.includes(': packages '))).toHaveLength(3);
		expect(cluster.host('node1').files.get('/etc/pgha/cluster')?.content).toBe('compact\n');
		expect([...cluster.host('node3').packages].sort()).toEqual(expect.arrayContaining(['cron', 'pgbackrest', 'patroni', 'etcd-server']));
		expect(cluster.host('node3').users.has('keepalived_script')).toBe(false);
		// Packages install with their services held back.
		expect(cluster.host('node1').unit('etcd')).toMatchObject({active: false, starts: 0});
	});

	test('a repository host that is no PostgreSQL node gets createcluster.conf before postgresql-15, so no main cluster appears', async () => {
		const answers = withStatsPassword(example('seed-topology'));
		const names = packageSteps(findHost(answers, 'pgbackrestRepo'), answers).map(s => s.name);
		const conf = names.indexOf('file /etc/postgresql-common/createcluster.conf');
		const packages = names.findIndex(n => n.startsWith('packages ') && n.includes('postgresql-15'));
		expect(conf).toBeGreaterThanOrEqual(0);
		expect(packages).toBeGreaterThan(conf);
		expect(packageSteps(findHost(answers, 'etcd1'), answers).map(s => s.name)).not.toContain('file /etc/postgresql-common/createcluster.conf');

		const cluster = FakeCluster.of(answers);
		const run = await converge(cluster, answers, phasesThrough(answers, 'packages'));
		expect(failures(run.events)).toEqual([]);
		const repo = cluster.host('pgbackrestRepo');
		expect(repo.files.get('/etc/postgresql-common/createcluster.conf')?.content).toBe('create_main_cluster = false\n');
		expect([...repo.packages].sort()).toEqual(['cron', 'jq', 'openssh-client', 'pgbackrest', 'postgresql-15', 'postgresql-client-15']);
	});
});

import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';

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
});

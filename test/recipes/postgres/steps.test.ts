import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';

describe('Patroni steps', () => {
	test('the first node bootstraps and leads; a re-run changes nothing', async () => {
		const {firstChanged, cluster} = await provesIdempotent('postgres-leader');
		expect(firstChanged).toEqual(
			expect.arrayContaining([
				'node1: file /etc/patroni/tls/ca.crt',
				'node1: file /etc/patroni/tls/server.crt',
				'node1: file /etc/patroni/tls/server.key',
				'node1: file /etc/patroni/config.yml',
				'node1: file /etc/profile.d/pgha-patroni.sh',
				'node1: data directory /data/patroni',
				'node1: service patroni',
			]),
		);
		expect(cluster.host('node1').files.get('/etc/patroni/tls/server.key')).toMatchObject({owner: 'postgres', group: 'postgres', mode: 0o600});
		expect(cluster.leader).toBe('node1');
		expect(cluster.host('node2').unit('patroni')?.active).toBe(false);
	});

	test('the replicas join after the leader and stream; a re-run changes nothing', async () => {
		const {firstChanged, cluster} = await provesIdempotent('postgres-replicas');
		expect(firstChanged.filter(s => s.endsWith(': service patroni'))).toEqual(['node2: service patroni', 'node3: service patroni']);
		expect(cluster.leader).toBe('node1');
		for (const host of ['node1', 'node2', 'node3']) expect(cluster.host(host).unit('patroni')).toMatchObject({starts: 1, restarts: 0, reloads: 0});
	});
});

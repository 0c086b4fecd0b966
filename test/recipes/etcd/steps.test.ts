import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';

describe('etcd steps', () => {
	test('write the config, make the data directory, start every member once, then change nothing', async () => {
		const {firstChanged, cluster} = await provesIdempotent('etcd');
		for (const host of ['node1', 'node2', 'node3']) {
			expect(firstChanged).toEqual(expect.arrayContaining([`${host}: file /etc/default/etcd`, `${host}: data directory /var/lib/etcd`, `${host}: service etcd`]));
			expect(cluster.host(host).unit('etcd')).toMatchObject({enabled: true, active: true, starts: 1, restarts: 0});
			expect(cluster.host(host).dirs.get('/var/lib/etcd')).toMatchObject({owner: 'etcd', mode: 0o700});
		}
		expect([...cluster.etcdJoined].sort()).toEqual(['node1', 'node2', 'node3']);
	});
});

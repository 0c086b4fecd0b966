import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';
import {clusterKeys} from '../../keys/fixtures.js';

describe('etcd steps', () => {
	test('write the config, make the data directory, start every member once, then change nothing', async () => {
		const {firstChanged, cluster, answers} = await provesIdempotent('etcd');
		const keys = await clusterKeys(answers);
		for (const host of ['node1', 'node2', 'node3']) {
			expect(firstChanged).toEqual(
				expect.arrayContaining([
					`${host}: file /etc/etcd/tls/ca.crt`,
					`${host}: file /etc/etcd/tls/etcd.crt`,
					`${host}: file /etc/etcd/tls/etcd.key`,
					`${host}: file /etc/default/etcd`,
					`${host}: file /etc/profile.d/pgha-etcd.sh`,
					`${host}: data directory /var/lib/etcd`,
					`${host}: service etcd`,
				]),
			);
			// The host's own pair, readable by etcd alone where it is the key.
			const files = cluster.host(host).files;
			expect(files.get('/etc/etcd/tls/ca.crt')).toMatchObject({content: keys.caCert, owner: 'etcd', mode: 0o644});
			expect(files.get('/etc/etcd/tls/etcd.crt')).toMatchObject({content: keys.hosts[host]!.cert, owner: 'etcd', mode: 0o644});
			expect(files.get('/etc/etcd/tls/etcd.key')).toMatchObject({content: keys.hosts[host]!.key, owner: 'etcd', group: 'etcd', mode: 0o600});
			expect(cluster.host(host).unit('etcd')).toMatchObject({enabled: true, active: true, starts: 1, restarts: 0});
			expect(cluster.host(host).dirs.get('/var/lib/etcd')).toMatchObject({owner: 'etcd', mode: 0o700});
		}
		expect([...cluster.etcdJoined].sort()).toEqual(['node1', 'node2', 'node3']);
	});
});

import {describe, expect, it} from 'vitest';
import {renderEtcd} from '../../../recipes/etcd/render.js';
import {example} from '../../answers/fixtures.js';

const env = (content: string) =>
	Object.fromEntries(
		content
			.split('\n')
			.filter(line => line && !line.startsWith('#'))
			.map(line => {
				const [, key, value] = /^([A-Z_]+)="([^"]*)"$/.exec(line)!;
				return [key!, value!];
			}),
	);

describe('renderEtcd', () => {
	const answers = example('seed-topology');
	const etcd2 = answers.hosts.find(h => h.name === 'etcd2')!;

	it('writes the seed variables for the member, all in "KEY=value" form', () => {
		const file = renderEtcd(answers, etcd2);
		expect(file).toMatchObject({path: '/etc/default/etcd', owner: 'root', group: 'root', mode: 0o644, secret: false, service: 'etcd', onChange: 'restart'});
		expect(env(file.content)).toEqual({
			ETCD_NAME: 'etcd2',
			ETCD_DATA_DIR: '/var/lib/etcd',
			ETCD_LISTEN_PEER_URLS: 'http://192.168.100.7:2380',
			ETCD_LISTEN_CLIENT_URLS: 'http://192.168.100.7:2379,http://127.0.0.1:2379',
			ETCD_INITIAL_ADVERTISE_PEER_URLS: 'http://192.168.100.7:2380',
			ETCD_ADVERTISE_CLIENT_URLS: 'http://192.168.100.7:2379',
			ETCD_INITIAL_CLUSTER: 'etcd1=http://192.168.100.4:2380,etcd2=http://192.168.100.7:2380,etcd3=http://192.168.100.8:2380',
			ETCD_INITIAL_CLUSTER_STATE: 'new',
			ETCD_INITIAL_CLUSTER_TOKEN: 'pgha-produccion',
		});
	});

	it('gives every member the same initial cluster and token', () => {
		const members = answers.hosts.filter(h => h.roles.includes('etcd')).map(h => env(renderEtcd(answers, h).content));
		expect(new Set(members.map(m => m['ETCD_INITIAL_CLUSTER'])).size).toBe(1);
		expect(new Set(members.map(m => m['ETCD_INITIAL_CLUSTER_TOKEN'])).size).toBe(1);
		expect(new Set(members.map(m => m['ETCD_NAME'])).size).toBe(3);
	});
});

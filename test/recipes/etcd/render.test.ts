import {describe, expect, it} from 'vitest';
import {renderEtcd, renderEtcdProfile} from '../../../recipes/etcd/render.js';
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
			ETCD_LISTEN_PEER_URLS: 'https://192.168.100.7:2380',
			// Only the member's address: its certificate names that, not 127.0.0.1.
			ETCD_LISTEN_CLIENT_URLS: 'https://192.168.100.7:2379',
			ETCD_INITIAL_ADVERTISE_PEER_URLS: 'https://192.168.100.7:2380',
			ETCD_ADVERTISE_CLIENT_URLS: 'https://192.168.100.7:2379',
			ETCD_INITIAL_CLUSTER: 'etcd1=https://192.168.100.4:2380,etcd2=https://192.168.100.7:2380,etcd3=https://192.168.100.8:2380',
			ETCD_INITIAL_CLUSTER_STATE: 'new',
			ETCD_INITIAL_CLUSTER_TOKEN: 'pgha-produccion',
			ETCD_CERT_FILE: '/etc/etcd/tls/etcd.crt',
			ETCD_KEY_FILE: '/etc/etcd/tls/etcd.key',
			ETCD_TRUSTED_CA_FILE: '/etc/etcd/tls/ca.crt',
			ETCD_CLIENT_CERT_AUTH: 'true',
			ETCD_PEER_CERT_FILE: '/etc/etcd/tls/etcd.crt',
			ETCD_PEER_KEY_FILE: '/etc/etcd/tls/etcd.key',
			ETCD_PEER_TRUSTED_CA_FILE: '/etc/etcd/tls/ca.crt',
			ETCD_PEER_CLIENT_CERT_AUTH: 'true',
		});
		expect(file.content).not.toMatch(/http:\/\//);
	});

	it('gives every member the same initial cluster and token', () => {
		const members = answers.hosts.filter(h => h.roles.includes('etcd')).map(h => env(renderEtcd(answers, h).content));
		expect(new Set(members.map(m => m['ETCD_INITIAL_CLUSTER'])).size).toBe(1);
		expect(new Set(members.map(m => m['ETCD_INITIAL_CLUSTER_TOKEN'])).size).toBe(1);
		expect(new Set(members.map(m => m['ETCD_NAME'])).size).toBe(3);
	});

	it('gives a root shell etcdctl with the host\'s certificate and every member over https', () => {
		const file = renderEtcdProfile(answers);
		expect(file).toMatchObject({path: '/etc/profile.d/pgha-etcd.sh', owner: 'root', mode: 0o644, secret: false, onChange: 'none'});
		expect(file.content.split('\n').filter(line => line.startsWith('export '))).toEqual([
			'export ETCDCTL_API=3',
			'export ETCDCTL_ENDPOINTS=https://192.168.100.4:2379,https://192.168.100.7:2379,https://192.168.100.8:2379',
			'export ETCDCTL_CACERT=/etc/etcd/tls/ca.crt',
			'export ETCDCTL_CERT=/etc/etcd/tls/etcd.crt',
			'export ETCDCTL_KEY=/etc/etcd/tls/etcd.key',
		]);
	});
});

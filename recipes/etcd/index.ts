import type {Component} from '../kit/component.js';
import {ports} from '../kit/locations.js';
import {tlsFiles} from '../kit/tls-files.js';
import {etcdTls} from './probes.js';
import {renderEtcd, renderEtcdProfile} from './render.js';

/** etcd: the store Patroni elects its leader through. Its steps and probes sit beside this file. */
export const etcd: Component = {
	name: 'etcd',
	roles: ['etcd'],
	packages: () => ['etcd-server', 'etcd-client'],
	files: (answers, host, facts) => [
		...tlsFiles(answers, host, facts.keys, etcdTls, {user: 'etcd', group: 'etcd', service: 'etcd'}),
		renderEtcd(answers, host),
		renderEtcdProfile(answers),
	],
	services: (_answers, host) => [
		{
			unit: 'etcd',
			runsFrom: ['etcd-server'],
			description: `etcd member ${host.name}, the store Patroni elects its leader through`,
			ports: [
				{protocol: 'tcp', port: ports.etcdClient, addresses: [host.ip], purpose: 'clients with a cluster certificate (Patroni, etcdctl)'},
				{protocol: 'tcp', port: ports.etcdPeer, addresses: [host.ip], purpose: 'peers, with a cluster certificate'},
			],
		},
	],
};

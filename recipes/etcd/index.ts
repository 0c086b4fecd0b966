import type {Component} from '../kit/component.js';
import {ports} from '../kit/locations.js';
import {renderEtcd} from './render.js';

/** etcd: the store Patroni elects its leader through. Its steps and probes sit beside this file. */
export const etcd: Component = {
	name: 'etcd',
	roles: ['etcd'],
	packages: () => ['etcd-server', 'etcd-client'],
	files: (answers, host) => [renderEtcd(answers, host)],
	services: (_answers, host) => [
		{
			unit: 'etcd',
			description: `etcd member ${host.name}, the store Patroni elects its leader through`,
			ports: [
				{protocol: 'tcp', port: ports.etcdClient, addresses: [host.ip, '127.0.0.1'], purpose: 'clients (Patroni, etcdctl)'},
				{protocol: 'tcp', port: ports.etcdPeer, addresses: [host.ip], purpose: 'peers'},
			],
		},
	],
};

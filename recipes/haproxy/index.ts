import type {Component} from '../kit/component.js';
import {ports} from '../kit/locations.js';
import {renderHaproxy, renderHaproxyTls, renderServerState} from './render.js';
import {renderSysctl} from './sysctl.js';

/** HAProxy on each balancer: VIP:5000 to the leader, VIP:5001 to the replicas. */
export const haproxy: Component = {
	name: 'haproxy',
	roles: ['balancer'],
	// socat: pgha reads HAProxy's state from its admin socket.
	packages: () => ['haproxy', 'socat'],
	files: (answers, host, facts) => [...renderHaproxyTls(answers, host, facts.keys), renderServerState(), renderHaproxy(answers, host), renderSysctl()],
	services: (answers, host) => [
		{
			unit: 'haproxy',
			runsFrom: ['haproxy'],
			description: 'HAProxy, routing to the primary and the replicas',
			ports: [
				{protocol: 'tcp', port: ports.readWrite, addresses: [answers.network.vip], purpose: 'read-write (primary)'},
				{protocol: 'tcp', port: ports.readOnly, addresses: [answers.network.vip], purpose: 'read-only (replicas, round robin)'},
				{protocol: 'tcp', port: ports.haproxyStats, addresses: [host.ip], purpose: 'statistics page (HTTPS, user admin and a password)'},
			],
		},
	],
};

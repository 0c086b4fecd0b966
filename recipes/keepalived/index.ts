import type {Component} from '../kit/component.js';
import {renderHaproxyReady, renderKeepalived} from './render.js';

/** Keepalived on each balancer: VRRP between the two moves the VIP to the one whose HAProxy is ready. socat lets its check read HAProxy's statistics. */
export const keepalived: Component = {
	name: 'keepalived',
	roles: ['balancer'],
	packages: () => ['keepalived', 'socat'],
	files: (answers, host, facts) => [renderHaproxyReady(answers), renderKeepalived(answers, host, facts)],
	services: (answers, host) => [
		{
			unit: 'keepalived',
			description: `Keepalived, holding the VIP ${answers.network.vip} on one balancer`,
			ports: [{protocol: 'vrrp', addresses: [host.ip], purpose: `advertisements to the other balancer, router id ${answers.network.vrrpRouterId}`}],
		},
	],
};

import type {Component} from '../kit/component.js';
import {renderKeepalived} from './render.js';

/** Keepalived on each balancer: VRRP between the two moves the VIP to the one whose HAProxy runs. procps gives its check pgrep. */
export const keepalived: Component = {
	name: 'keepalived',
	roles: ['balancer'],
	packages: () => ['keepalived', 'procps'],
	files: (answers, host, facts) => [renderKeepalived(answers, host, facts)],
	services: (answers, host) => [
		{
			unit: 'keepalived',
			description: `Keepalived, holding the VIP ${answers.network.vip} on one balancer`,
			ports: [{protocol: 'vrrp', addresses: [host.ip], purpose: `advertisements to the other balancer, router id ${answers.network.vrrpRouterId}`}],
		},
	],
};

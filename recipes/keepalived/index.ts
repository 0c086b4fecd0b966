import type {Component} from '../kit/component.js';
import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {hostNames, hostsWithRole} from '../../source/answers/hosts.js';
import {renderHaproxyReady, renderKeepalived} from './render.js';

function vrrpPurpose(answers: Answers, host: HostAnswers): string {
	const others = hostNames(hostsWithRole(answers, 'balancer').filter(b => b.name !== host.name));
	return others.length === 0 ? 'advertisements with no other balancer to hear them (this one holds the VIP alone)' : `advertisements to ${others.join(', ')}`;
}

/** Keepalived on each balancer: VRRP between them moves the VIP to the first whose HAProxy is ready; a sole balancer holds it alone. socat lets its check read HAProxy's statistics. */
export const keepalived: Component = {
	name: 'keepalived',
	roles: ['balancer'],
	packages: () => ['keepalived', 'socat'],
	files: (answers, host, facts) => [renderHaproxyReady(answers), renderKeepalived(answers, host, facts)],
	services: (answers, host) => [
		{
			unit: 'keepalived',
			runsFrom: ['keepalived'],
			description: `Keepalived, holding the VIP ${answers.network.vip} on one balancer`,
			ports: [{protocol: 'vrrp', addresses: [host.ip], purpose: `${vrrpPurpose(answers, host)}, router id ${answers.network.vrrpRouterId}`}],
		},
	],
};

import type {Step} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import {locations} from '../kit/locations.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';

/**
 * HAProxy on a balancer: the non-local bind sysctl (the backup must bind a VIP
 * it does not hold), its config (checked before every reload) and the service.
 */
export function haproxySteps(files: ManagedFile[]): Step[] {
	return [
		...files.map(fileStep),
		{
			name: 'sysctl net.ipv4.ip_nonlocal_bind=1',
			check: async ctx => (await ctx.run('sysctl -n net.ipv4.ip_nonlocal_bind', {quiet: true})).stdout.trim() === '1',
			apply: async ctx => void (await ctx.run('sysctl -q -w net.ipv4.ip_nonlocal_bind=1')),
		},
		serviceStep('haproxy', {reloadCommand: `haproxy -c -q -f ${locations.haproxyConfig} && systemctl reload haproxy`}),
	];
}

import type {Answers} from '../source/answers/schema.js';
import type {Step} from '../source/engine/step.js';
import {fileStep, serviceStep, waitFor, type ManagedFile} from './managed-file.js';

/** True when this host holds the VIP on one of its interfaces. */
export async function holdsVip(run: (script: string, o?: {quiet?: boolean; check?: boolean}) => Promise<{stdout: string}>, vip: string): Promise<boolean> {
	const out = await run(`ip -o -4 addr show`, {quiet: true, check: false});
	return out.stdout.split('\n').some(line => line.includes(` ${vip}/`));
}

/**
 * A balancer: the non-local bind sysctl (the backup must bind a VIP it does not
 * hold), HAProxy (checked before every reload), Keepalived, and the VIP held.
 */
export function balancerSteps(answers: Answers, files: ManagedFile[]): Step[] {
	const balancers = answers.hosts.filter(h => h.roles.includes('balancer'));
	return [
		...files.map(fileStep),
		{
			name: 'sysctl net.ipv4.ip_nonlocal_bind=1',
			check: async ctx => (await ctx.run('sysctl -n net.ipv4.ip_nonlocal_bind', {quiet: true})).stdout.trim() === '1',
			apply: async ctx => void (await ctx.run('sysctl -q -w net.ipv4.ip_nonlocal_bind=1')),
		},
		serviceStep('haproxy', {reloadCommand: 'haproxy -c -q -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy'}),
		serviceStep('keepalived'),
		{
			name: `VIP ${answers.network.vip} held by one balancer`,
			async check(ctx) {
				const holders = await Promise.all(balancers.map(b => holdsVip((s, o) => ctx.connections.get(b.name)!.run(s, {...o, check: false}), answers.network.vip)));
				return holders.filter(Boolean).length === 1;
			},
			apply: ctx =>
				waitFor('a balancer to take the VIP', async () => {
					const holders = await Promise.all(balancers.map(b => holdsVip((s, o) => ctx.connections.get(b.name)!.run(s, {...o, check: false}), answers.network.vip)));
					return holders.filter(Boolean).length === 1;
				}, 60_000),
		},
	];
}

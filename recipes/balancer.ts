import type {Answers} from '../source/answers/schema.js';
import type {Step} from '../source/engine/step.js';
import type {HostConnection} from '../source/transport/ssh.js';
import {fileStep, serviceStep, waitFor, type ManagedFile} from './managed-file.js';

/** True when this host holds the VIP on one of its interfaces. */
async function holdsVip(conn: HostConnection, vip: string): Promise<boolean> {
	const out = await conn.run('ip -o -4 addr show', {check: false});
	return out.stdout.split('\n').some(line => line.includes(` ${vip}/`));
}

/** The balancers that hold the VIP now, among those connected; one when all is well. */
export async function vipHolders(answers: Answers, connections: Map<string, HostConnection>): Promise<string[]> {
	const balancers = answers.hosts.filter(h => h.roles.includes('balancer') && connections.has(h.name));
	const holds = await Promise.all(balancers.map(b => holdsVip(connections.get(b.name)!, answers.network.vip)));
	return balancers.filter((_, i) => holds[i]).map(b => b.name);
}

/** One server line of HAProxy's stats: listener primary (5000) or replicas (5001), and its state (UP, DOWN, ...). */
export type HaproxyServer = {listener: string; server: string; status: string};

/** What HAProxy on a balancer reports of its servers, from the stats page's CSV on :7000. */
export async function haproxyServers(conn: HostConnection): Promise<HaproxyServer[]> {
	const csv = await conn.run(`exec 3<>/dev/tcp/127.0.0.1/7000 && printf 'GET /;csv HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`, {check: false});
	return csv.stdout
		.split('\n')
		.map(line => line.split(','))
		.filter(row => ['primary', 'replicas'].includes(row[0]!) && !['FRONTEND', 'BACKEND'].includes(row[1]!))
		.map(row => ({listener: row[0]!, server: row[1]!, status: row[17] ?? ''}));
}

/**
 * A balancer: the non-local bind sysctl (the backup must bind a VIP it does not
 * hold), HAProxy (checked before every reload), Keepalived, and the VIP held.
 */
export function balancerSteps(answers: Answers, files: ManagedFile[]): Step[] {
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
			check: async ctx => (await vipHolders(answers, ctx.connections)).length === 1,
			apply: ctx => waitFor('a balancer to take the VIP', async () => (await vipHolders(answers, ctx.connections)).length === 1, 60_000),
		},
	];
}

import type {Answers} from '../answers/schema.js';
import type {ClusterStatus} from './gather.js';

/**
 * What the live state says is wrong beyond the hosts' files and services:
 * members, lag, the VIP, HAProxy's view, and how old the last backup is. Pure.
 */
export function liveDrift(answers: Answers, status: ClusterStatus): string[] {
	const out: string[] = [];
	const nodes = answers.hosts.filter(h => h.roles.includes('postgres')).map(h => h.name);
	const leaders = status.postgres.filter(m => m.role === 'Leader');
	if (leaders.length !== 1) out.push(`Patroni has ${leaders.length} leaders; it should have 1`);
	for (const name of nodes) {
		const member = status.postgres.find(m => m.member === name);
		if (!member) out.push(`${name} is not a Patroni member`);
		else if (!['running', 'streaming'].includes(member.state)) out.push(`${name} is ${member.state}`);
		else if ((member.lagMb ?? 0) > 0) out.push(`${name} lags ${member.lagMb} MB behind the leader`);
	}
	for (const e of status.etcd) if (!e.healthy) out.push(`etcd ${e.endpoint} is unhealthy${e.error ? `: ${e.error}` : ''}`);
	if (!status.vip.holder) out.push(`no balancer holds the VIP ${status.vip.address}`);
	if (status.vip.holder) {
		const view = status.haproxy.filter(b => b.balancer === status.vip.holder);
		const up = (listener: string) => view.filter(b => b.listener === listener && b.status.startsWith('UP')).length;
		if (up('primary') !== 1) out.push(`HAProxy on ${status.vip.holder} routes 5000 to ${up('primary')} servers; it should route to the leader only`);
		if (up('replicas') !== nodes.length - 1) out.push(`HAProxy on ${status.vip.holder} has ${up('replicas')} replicas up on 5001; expected ${nodes.length - 1}`);
	}
	if (status.backups) {
		const latest = [status.backups.full, status.backups.differential, status.backups.incremental].filter(Boolean).map(b => b!.ageSeconds);
		// The default schedule backs up every day; two days without one means the schedule is not running.
		if (latest.length === 0) out.push('the repository holds no backup');
		else if (Math.min(...latest) > 2 * 86_400) out.push(`the newest backup is ${Math.round(Math.min(...latest) / 86_400)} days old`);
	}
	return out;
}

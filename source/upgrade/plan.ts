import type {HostAnswers} from '../answers/schema.js';
import {hasRole} from '../answers/hosts.js';
import type {ComponentService} from '../../recipes/kit/component.js';
import type {PackageChange} from './targets.js';

/** What an upgrade does on one host: its package changes, what apt moves with them, and the services that restart onto them. */
export type HostUpgrade = {host: Pick<HostAnswers, 'name' | 'roles'>; changes: PackageChange[]; dependencies?: PackageChange[]; restarts: string[]};

/**
 * The services that restart on a host: each unit with a changed package among
 * the ones it runs from, or already running older code than is installed (an
 * upgrade that stopped half way), and PostgreSQL itself when its server
 * package changes or runs an older build. Pure.
 */
export function restartsFor(services: readonly ComponentService[], changes: readonly PackageChange[], staleNow: ReadonlySet<string>, server: {name: string; stale: boolean}): string[] {
	const changed = new Set(changes.map(c => c.name));
	const units = services.filter(s => staleNow.has(s.unit) || (s.runsFrom ?? []).some(pkg => changed.has(pkg))).map(s => s.unit);
	// Patroni's restart restarts the server under it; only without one is PostgreSQL restarted by itself.
	const serverToo = (changed.has(server.name) || server.stale) && !units.includes('patroni');
	return [...units, ...(serverToo ? ['PostgreSQL'] : [])];
}

/** True when the upgrade has anything to do on the host. */
export const hasWork = (h: HostUpgrade): boolean => h.changes.length > 0 || h.restarts.length > 0;

/** One package change as the plan shows it, e.g. `postgresql-15 15.18-0+deb12u1 -> 15.20-0+deb12u1`. */
export function describeChange(change: PackageChange): string {
	return `${change.name} ${change.from ?? '(not installed)'} -> ${change.to}`;
}

/**
 * The upgrade's plan, as lines: where the versions come from, then each host
 * in the order it goes, with its package changes, what restarts and how the
 * cluster keeps serving meanwhile; the hosts with nothing to do; the pins. Pure.
 */
export function describeUpgrade(input: {cluster: string; source: string; vip: string; order: readonly string[]; hosts: ReadonlyMap<string, HostUpgrade>; leader?: string; vipHolder?: string; pins: number}): string[] {
	const {order, hosts, leader, vipHolder, vip} = input;
	const busy = order.filter(name => hosts.get(name) && hasWork(hosts.get(name)!));
	const idle = order.filter(name => !busy.includes(name));
	const lines = [`upgrade of cluster "${input.cluster}" to the newest versions in ${input.source}: the packages on every host at once (nothing restarts), then one host at a time:`];
	busy.forEach((name, i) => {
		const h = hosts.get(name)!;
		const tags = [...(name === leader ? ['leads'] : hasRole(h.host, 'postgres') ? ['replica'] : []), ...(name === vipHolder ? ['holds the VIP'] : [])];
		lines.push(`  ${i + 1}. ${name}${tags.length > 0 ? ` (${tags.join(', ')})` : ''}: ${h.changes.length > 0 ? h.changes.map(describeChange).join(', ') : 'no package changes'}`);
		if (h.dependencies && h.dependencies.length > 0) lines.push(`     with what they depend on: ${h.dependencies.map(describeChange).join(', ')}`);
		if (h.restarts.length === 0) {
			lines.push('     nothing restarts: no running service uses the changed packages');
			return;
		}
		const database = h.restarts.filter(u => ['patroni', 'PostgreSQL', 'pgbouncer'].includes(u));
		if (name === leader && database.length > 0) lines.push(`     a switchover to a healthy replica first: writes through ${vip}:5000 pause for a few seconds`);
		lines.push(`     restarts ${h.restarts.join(', ')}${restartNote(h, name === vipHolder)}`);
	});
	if (idle.length > 0) lines.push(`  already on the new versions: ${idle.join(', ')}`);
	lines.push(`The new versions are pinned with the cluster (packages.versions, ${input.pins} package(s)); no later run moves them by itself.`);
	return lines;
}

function restartNote(h: HostUpgrade, holdsVip: boolean): string {
	const notes: string[] = [];
	if (h.restarts.includes('etcd')) notes.push('every etcd member healthy again before the next host');
	if (h.restarts.some(u => ['patroni', 'PostgreSQL'].includes(u))) notes.push('the member streams again, lag caught up, before the next host');
	if (holdsVip && h.restarts.some(u => ['haproxy', 'keepalived'].includes(u))) notes.push('Keepalived stops here first, so another balancer holds the VIP meanwhile');
	return notes.length > 0 ? `; ${notes.join('; ')}` : '';
}

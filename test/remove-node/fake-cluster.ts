import type {Answers} from '../../source/answers/schema.js';
import type {RunResult} from '../../source/transport/ssh.js';
import type {HostRun} from '../../recipes/kit/step.js';

/** What the fake cluster holds: Patroni's members and leader, the leader's slots, etcd's members, the VIP's holder. */
export type FakeState = {
	members: string[];
	leader: string;
	slots: Map<string, boolean>;
	/** Whether Patroni drops the slot of a member that left (it does; a leftover is what pgha must catch). */
	patroniDropsSlots: boolean;
	etcd: Array<{id: string; name: string; ip: string}>;
	vip?: string;
	/** Hosts whose units are stopped and disabled. */
	disabled: Map<string, string[]>;
};

/**
 * Each host's shell as the removal sees it: answers the probes it asks from
 * the state, changes the state as the real command would, and records every
 * command as `host: script` in the order it ran.
 */
export function fakeCluster(answers: Answers, state: FakeState, unreachable: string[] = []): {runOn: (host: string) => HostRun | undefined; log: string[]} {
	const log: string[] = [];
	const ok = (stdout = ''): RunResult => ({code: 0, stdout, stderr: ''});
	const ipOf = (name: string) => answers.hosts.find(h => h.name === name)!.ip;
	const runOn = (host: string): HostRun | undefined => {
		if (unreachable.includes(host) || !answers.hosts.some(h => h.name === host)) return undefined;
		return async (script, options = {}) => {
			const stdin = typeof options.stdin === 'string' ? options.stdin : '';
			log.push(`${host}: ${script.includes('psql') ? `psql ${stdin.trim()}` : script}`);
			if (script.includes('patronictl') && script.includes('list -f json'))
				return ok(JSON.stringify(state.members.map(m => ({Member: m, Role: m === state.leader ? 'Leader' : 'Replica', State: m === state.leader ? 'running' : 'streaming'}))));
			if (script.startsWith('ip -o -4 addr show')) return ok(state.vip === host ? `2: eth0    inet ${answers.network.vip}/24 scope global eth0` : `2: eth0    inet ${ipOf(host)}/24 scope global eth0`);
			if (script === 'systemctl stop keepalived') {
				const other = answers.hosts.find(h => h.roles.includes('balancer') && h.name !== host);
				state.vip = other?.name;
				return ok();
			}
			if (script.includes('/dev/tcp/')) return ok();
			if (script.includes('systemctl disable --now')) {
				const units = (/for unit in (.*?); do/.exec(script)?.[1] ?? '').split(' ').map(unit => unit.replace(/'/g, ''));
				state.disabled.set(host, [...(state.disabled.get(host) ?? []), ...units]);
				if (units.includes('patroni')) state.members = state.members.filter(m => m !== host);
				return ok();
			}
			if (script.includes('psql')) {
				const slot = /slot_name = '([a-z0-9_]+)'/.exec(stdin)?.[1] ?? '';
				if (stdin.includes('pg_drop_replication_slot')) {
					state.slots.delete(slot);
					return ok();
				}
				if (state.patroniDropsSlots && !state.members.includes(slot)) state.slots.delete(slot);
				const active = state.slots.get(slot);
				return ok(active === undefined ? '' : active ? 't' : 'f');
			}
			if (script.includes('endpoint health -w json'))
				return ok(JSON.stringify(state.etcd.filter(m => script.includes(m.ip)).map(m => ({endpoint: `https://${m.ip}:2379`, health: true}))));
			if (script.includes('endpoint status -w json')) return ok('[]');
			if (script.includes('member list -w simple'))
				return ok(state.etcd.map(m => `${m.id}, started, ${m.name}, https://${m.ip}:2380, https://${m.ip}:2379, false`).join('\n'));
			const removed = /member remove ([0-9a-f]+)/.exec(script)?.[1];
			if (removed) {
				state.etcd = state.etcd.filter(m => m.id !== removed);
				return ok();
			}
			return ok();
		};
	};
	return {runOn, log};
}

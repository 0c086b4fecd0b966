import {describe, expect, test} from 'vitest';
import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {parseEtcdMemberList, removeNode, type RemovalRun} from '../../source/remove-node/run.js';
import {withoutHost} from '../../source/remove-node/rules.js';
import {example} from '../answers/fixtures.js';
import {fakeCluster, type FakeState} from './fake-cluster.js';

const seed = example('seed-topology');
const withHosts = (...more: HostAnswers[]): Answers => ({...seed, hosts: [...seed.hosts, ...more]});
const waits = {pollMs: 1, memberGoneMs: 300, slotGoneMs: 30, vipMs: 300};

function state(more: Partial<FakeState> = {}): FakeState {
	return {
		members: ['postgres1', 'postgres2', 'postgres3'],
		leader: 'postgres1',
		slots: new Map([
			['postgres2', true],
			['postgres3', true],
		]),
		patroniDropsSlots: true,
		etcd: [
			{id: 'a1', name: 'etcd1', ip: '192.168.100.4'},
			{id: 'a2', name: 'etcd2', ip: '192.168.100.7'},
			{id: 'a3', name: 'etcd3', ip: '192.168.100.8'},
		],
		vip: 'haproxy1',
		disabled: new Map(),
		...more,
	};
}

/** Runs a removal on the fake cluster; the convergent run and a switchover only leave a mark in the log. */
async function remove(name: string, s: FakeState, options: {answers?: Answers; unreachable?: string[]; wipe?: boolean; switchover?: boolean} = {}) {
	const answers = options.answers ?? seed;
	const {runOn, log} = fakeCluster(answers, s, options.unreachable);
	const lines: string[] = [];
	const run: RemovalRun = {
		answers,
		remaining: withoutHost(answers, name),
		host: answers.hosts.find(h => h.name === name)!,
		runOn,
		wipe: options.wipe ?? false,
		log: line => lines.push(line),
		waits,
		...(options.switchover
			? {
					switchover: async () => {
						log.push('pgha: switchover');
						s.leader = 'postgres2';
					},
				}
			: {}),
		converge: async () => {
			log.push('pgha: converge the remaining hosts, then verify');
			return true;
		},
	};
	const ok = await removeNode(run);
	// The commands that change something, in order; the probes between them are left out.
	const changes = log.filter(line => /disable --now|systemctl stop|member remove| del |pg_drop_replication_slot|rm -|-delete|pgha\/cluster; fi|pgha: /.test(line)).map(line => line.replace(/for unit in (.*?); do.*disable.*/, 'disable $1').replace(/for dir in (.*?); do.*-delete.*/, 'empty $1'));
	return {ok, log, lines, changes};
}

describe('removeNode', () => {
	test('a replica: its database services stop, Patroni forgets it, no slot keeps WAL, then the rest converges', async () => {
		const s = state();
		const {ok, changes, lines} = await remove('postgres3', s);
		expect(ok).toBe(true);
		expect(changes.map(line => line.replace(/^(\S+: ).*etcdctl.* del /, '$1etcdctl del '))).toEqual([
			"postgres3: disable patroni postgresql pgbouncer",
			// Its Patroni is stopped: its member key goes now instead of expiring with its lease.
			"etcd1: etcdctl del /db/produccion/members/postgres3",
			"postgres3: rm -f /etc/cron.d/pgha-produccion",
			expect.stringMatching(/^postgres3: if \[ -f \/etc\/pgha\/cluster \]; then printf .* produccion removed > \/etc\/pgha\/cluster; fi$/),
			'pgha: converge the remaining hosts, then verify',
		]);
		expect(s.disabled.get('postgres3')).toEqual(['patroni', 'postgresql', 'pgbouncer']);
		expect(lines).toEqual([
			'postgres3: stopping and disabling patroni, postgresql, pgbouncer',
			'postgres1: Patroni no longer lists postgres3',
			'postgres1: no replication slot keeps WAL for postgres3',
			'postgres3: its data stays, marked in /etc/pgha/cluster as left behind by this removal',
			'the rest of the cluster forgets postgres3',
		]);
	});

	test('a slot Patroni left behind is dropped on the leader', async () => {
		const s = state({patroniDropsSlots: false});
		s.slots.set('postgres3', false);
		const {ok, changes, lines} = await remove('postgres3', s);
		expect(ok).toBe(true);
		expect(changes.filter(line => line.includes('pg_drop_replication_slot'))).toHaveLength(1);
		expect(changes.find(line => line.includes('pg_drop'))).toMatch(/^postgres1: psql /);
		expect(lines).toContain('postgres1: dropped the replication slot postgres3, left behind for postgres3; no WAL is kept for it');
		expect(s.slots.has('postgres3')).toBe(false);
	});

	test('a slot still in use stops the run before the rest of the cluster changes', async () => {
		const s = state({patroniDropsSlots: false});
		await expect(remove('postgres3', s)).rejects.toThrow('the replication slot postgres3 on postgres1 is still in use; postgres3 still streams');
	});

	test('a dead replica: its own stop is skipped with a warning, the rest of the cluster still forgets it', async () => {
		const s = state({members: ['postgres1', 'postgres2']});
		const {ok, log, lines} = await remove('postgres3', s, {unreachable: ['postgres3'], wipe: true});
		expect(ok).toBe(true);
		expect(log.filter(line => line.startsWith('postgres3:'))).toEqual([]);
		expect(lines[0]).toBe('postgres3: does not answer over SSH; its services were not stopped (warning): if it comes back, run systemctl disable --now patroni postgresql pgbouncer there');
		expect(lines).toContain('postgres3: --wipe could not empty /data/patroni: it does not answer (warning)');
		expect(log.at(-1)).toBe('pgha: converge the remaining hosts, then verify');
	});

	test('the leader: the switchover comes first, then its services stop', async () => {
		const s = state();
		const {ok, changes} = await remove('postgres1', s, {switchover: true});
		expect(ok).toBe(true);
		expect(changes[0]).toBe('pgha: switchover');
		expect(changes[1]).toBe("postgres1: disable patroni postgresql pgbouncer");
	});

	test('an etcd member of 4: removed from a remaining member while quorum is healthy, before its etcd stops; --wipe empties its data last', async () => {
		const answers = withHosts({name: 'etcd4', ip: '192.168.100.31', roles: ['etcd']});
		const s = state({etcd: [...state().etcd, {id: 'a4', name: 'etcd4', ip: '192.168.100.31'}]});
		const {ok, changes, log, lines} = await remove('etcd4', s, {answers, wipe: true});
		expect(ok).toBe(true);
		expect(changes[0]).toMatch(/^etcd1: ETCDCTL_API=3 etcdctl --endpoints=https:\/\/192\.168\.100\.4:2379,https:\/\/192\.168\.100\.7:2379,https:\/\/192\.168\.100\.8:2379 --cacert=\S+ --cert=\S+ --key=\S+ --command-timeout=5s member remove a4$/);
		expect(changes.slice(1)).toEqual([
			"etcd4: disable etcd",
			"etcd4: rm -f /etc/cron.d/pgha-produccion",
			'etcd4: empty /var/lib/etcd',
			'pgha: converge the remaining hosts, then verify',
		]);
		// The health check asked the members that stay, not the one leaving.
		expect(log.find(line => line.includes('endpoint health'))).not.toContain('192.168.100.31');
		expect(lines).toContain('etcd1: etcd member etcd4 (a4) removed; 3 members remain');
		expect(s.etcd.map(m => m.name)).toEqual(['etcd1', 'etcd2', 'etcd3']);
	});

	test('a re-run after the etcd member was removed carries on without removing it twice', async () => {
		const answers = withHosts({name: 'etcd4', ip: '192.168.100.31', roles: ['etcd']});
		const {ok, changes, lines} = await remove('etcd4', state(), {answers});
		expect(ok).toBe(true);
		expect(changes.some(line => line.includes('member remove'))).toBe(false);
		expect(lines).toContain('etcd1: etcd no longer lists etcd4');
	});

	test('a balancer holding the VIP: Keepalived stops there and another holds the VIP before anything else changes', async () => {
		const answers = withHosts({name: 'haproxy3', ip: '192.168.100.40', roles: ['balancer']});
		const s = state({vip: 'haproxy1'});
		const {ok, changes, lines} = await remove('haproxy1', s, {answers});
		expect(ok).toBe(true);
		expect(changes.slice(0, 2)).toEqual(['haproxy1: systemctl stop keepalived', "haproxy1: disable keepalived haproxy"]);
		expect(lines.slice(0, 2)).toEqual(['haproxy1: holds the VIP 192.168.100.56; stopping Keepalived there so another balancer takes it', 'haproxy2: holds the VIP 192.168.100.56 and answers on 5000']);
	});

	test('1 of 2 balancers, holding the VIP: the other takes it before anything else changes, then converges as the sole balancer', async () => {
		const {ok, changes, lines} = await remove('haproxy1', state({vip: 'haproxy1'}));
		expect(ok).toBe(true);
		expect(changes).toEqual(['haproxy1: systemctl stop keepalived', 'haproxy1: disable keepalived haproxy', 'haproxy1: rm -f /etc/cron.d/pgha-produccion', 'pgha: converge the remaining hosts, then verify']);
		expect(lines.slice(0, 2)).toEqual(['haproxy1: holds the VIP 192.168.100.56; stopping Keepalived there so another balancer takes it', 'haproxy2: holds the VIP 192.168.100.56 and answers on 5000']);
	});

	test('a balancer not holding the VIP leaves it where it is', async () => {
		const answers = withHosts({name: 'haproxy3', ip: '192.168.100.40', roles: ['balancer']});
		const {changes} = await remove('haproxy3', state({vip: 'haproxy1'}), {answers});
		expect(changes[0]).toBe("haproxy3: disable keepalived haproxy");
	});

	test('slots that cannot be read are not taken for no slot', async () => {
		const {runOn} = fakeCluster(seed, state());
		const failingPsql = (host: string) => {
			const run = runOn(host);
			return run && (async (script: string, options?: Parameters<NonNullable<typeof run>>[1]) => (script.includes('psql') ? {code: 2, stdout: '', stderr: 'psql: error: connection refused'} : run(script, options)));
		};
		const run: RemovalRun = {answers: seed, remaining: withoutHost(seed, 'postgres3'), host: seed.hosts[2]!, runOn: failingPsql, wipe: false, log: () => {}, waits, converge: async () => true};
		await expect(removeNode(run)).rejects.toThrow('the replication slots on postgres1 cannot be read: psql: error: connection refused');
	});

	test('a failed convergent run is reported as not done', async () => {
		const s = state();
		const {runOn} = fakeCluster(seed, s);
		const run: RemovalRun = {answers: seed, remaining: withoutHost(seed, 'postgres3'), host: seed.hosts[2]!, runOn, wipe: false, log: () => {}, waits, converge: async () => false};
		expect(await removeNode(run)).toBe(false);
	});
});

describe('parseEtcdMemberList', () => {
	test("reads etcdctl's simple output: hex id and name", () => {
		const text = '8e9e05c52164694d, started, etcd1, https://10.0.0.1:2380, https://10.0.0.1:2379, false\n91bc3c398fb3c146, started, etcd2, https://10.0.0.2:2380, https://10.0.0.2:2379, false\n';
		expect(parseEtcdMemberList(text)).toEqual([
			{id: '8e9e05c52164694d', name: 'etcd1'},
			{id: '91bc3c398fb3c146', name: 'etcd2'},
		]);
		expect(parseEtcdMemberList('')).toEqual([]);
	});
});

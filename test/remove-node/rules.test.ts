import {describe, expect, test} from 'vitest';
import type {HostAnswers} from '../../source/answers/schema.js';
import {etcdTolerates, judgeRemoval, withoutHost, type RemovalFacts} from '../../source/remove-node/rules.js';

const host = (name: string, last: number, ...roles: HostAnswers['roles']): HostAnswers => ({name, ip: `192.168.100.${last}`, roles});
const seedHosts = [
	host('postgres1', 1, 'postgres'),
	host('postgres2', 2, 'postgres'),
	host('postgres3', 3, 'postgres'),
	host('etcd1', 4, 'etcd'),
	host('etcd2', 7, 'etcd'),
	host('etcd3', 8, 'etcd'),
	host('haproxy1', 5, 'balancer'),
	host('haproxy2', 6, 'balancer'),
	host('pgbackrestRepo', 9, 'backup'),
];
const cluster = (hosts = seedHosts, ha: RemovalFacts['answers']['ha'] = {durability: 'async', rto: 'normal'}): RemovalFacts['answers'] => ({
	hosts,
	cluster: {name: 'produccion', postgresVersion: 15},
	network: {vip: '192.168.100.56', prefix: 24, vrrpRouterId: 51},
	ha,
});
const judge = (name: string, more: Partial<RemovalFacts> = {}) => judgeRemoval({answers: cluster(), name, leader: 'postgres1', switchover: false, ...more});
const refusals = (j: ReturnType<typeof judgeRemoval>) => (j.ok ? [] : j.refusals);

describe('judgeRemoval', () => {
	test('a replica may go; with 2 PostgreSQL nodes left the note says what that costs', () => {
		const j = judge('postgres3');
		expect(j).toMatchObject({ok: true, switchoverFirst: false});
		if (j.ok) expect(j.notes).toEqual(['2 PostgreSQL nodes remain: after a failover there is no replica left until the old leader returns']);
	});

	test('the leader is refused, naming --switchover and pgha switchover', () => {
		expect(refusals(judge('postgres1'))).toEqual(['postgres1 leads; run with --switchover to hand the leader role to a replica first, or `pgha switchover`']);
	});

	test('the leader with --switchover goes after a switchover', () => {
		const j = judge('postgres1', {switchover: true});
		expect(j).toMatchObject({ok: true, switchoverFirst: true});
		if (j.ok) expect(j.notes[0]).toBe('postgres1 leads: the leader role is handed to a replica first (a switchover, writes pause for a few seconds)');
	});

	test('the last replica is refused: a highly available cluster keeps 2 PostgreSQL nodes', () => {
		const hosts = seedHosts.filter(h => h.name !== 'postgres3');
		expect(refusals(judgeRemoval({answers: cluster(hosts), name: 'postgres2', leader: 'postgres1', switchover: false}))).toEqual([
			'postgres2 is one of 2 PostgreSQL nodes; 1 would remain, and a highly available cluster needs at least 2 (a replica to fail over to)',
		]);
	});

	test('synchronous durability with wait and one replica left says commits wait for it', () => {
		const j = judgeRemoval({answers: cluster(seedHosts, {durability: 'synchronous', rto: 'normal'}), name: 'postgres3', leader: 'postgres1', switchover: false});
		if (!j.ok) throw new Error(j.refusals.join());
		expect(j.notes).toEqual(['with synchronous durability and writesWithoutReplica: wait, 1 replica remains: while it is down or restarting, commits wait for it']);
	});

	test('an etcd member of 3 is refused: 2 tolerate no failure', () => {
		expect(refusals(judge('etcd2'))).toEqual(['etcd2 is one of 3 etcd members; 2 would remain, and etcd needs at least 3 (3 tolerate 1 failure; 2 tolerate none)']);
	});

	const etcdMembers = (n: number) => [...seedHosts.filter(h => !h.roles.includes('etcd')), ...Array.from({length: n}, (_, i) => host(`etcd${i + 1}`, 30 + i, 'etcd'))];

	test('an etcd member of 5 is refused in numbers: 4 tolerate 1 failure where 5 tolerate 2', () => {
		expect(refusals(judgeRemoval({answers: cluster(etcdMembers(5)), name: 'etcd5', switchover: false}))).toEqual([
			'etcd5 is one of 5 etcd members; 4 would remain, and 4 members tolerate 1 failure where 5 tolerate 2 failures (a majority of 4 is 3): the cluster would survive fewer failures',
		]);
		expect(refusals(judgeRemoval({answers: cluster(etcdMembers(7)), name: 'etcd1', switchover: false}))).toEqual([
			'etcd1 is one of 7 etcd members; 6 would remain, and 6 members tolerate 2 failures where 7 tolerate 3 failures (a majority of 6 is 4): the cluster would survive fewer failures',
		]);
	});

	test('an etcd member of 4 or 6 may go: the members left tolerate as many failures', () => {
		for (const n of [4, 6]) {
			const j = judgeRemoval({answers: cluster(etcdMembers(n)), name: `etcd${n}`, switchover: false});
			expect(j, `${n} members`).toMatchObject({ok: true, notes: []});
		}
	});

	test('2 balancers may become 1, with a note that the VIP has no standby; 3 may become 2 without one', () => {
		const j = judge('haproxy1');
		expect(j).toMatchObject({ok: true, switchoverFirst: false});
		if (j.ok) expect(j.notes).toEqual(['1 balancer remains (haproxy2): the VIP 192.168.100.56 has no standby; if that host fails, clients lose the VIP until it returns']);
		const three = judgeRemoval({answers: cluster([...seedHosts, host('haproxy3', 40, 'balancer')]), name: 'haproxy1', switchover: false});
		expect(three).toMatchObject({ok: true, notes: []});
	});

	test('the last balancer is refused: nothing else could hold the VIP', () => {
		const one = seedHosts.filter(h => h.name !== 'haproxy2');
		expect(refusals(judgeRemoval({answers: cluster(one), name: 'haproxy1', switchover: false}))).toEqual([
			'haproxy1 is the last balancer; nothing else could hold the VIP 192.168.100.56, and pgha cannot give the balancer role to another host on a live cluster',
		]);
	});

	test('the repository host is refused with the way out', () => {
		expect(refusals(judge('pgbackrestRepo'))).toEqual([
			'pgbackrestRepo keeps the pgBackRest repository (every backup and the WAL archive); pgha cannot move the repository to another host. To take the whole cluster down with its backups: `pgha uninstall --wipe-backups`',
		]);
	});

	test('every role of a shared host is judged: a compact node is refused for each of its roles at once', () => {
		const compact = [host('node1', 11, 'postgres', 'etcd', 'balancer'), host('node2', 12, 'postgres', 'etcd', 'balancer'), host('node3', 13, 'postgres', 'etcd', 'backup')];
		const r = refusals(judgeRemoval({answers: cluster(compact), name: 'node3', leader: 'node1', switchover: false}));
		expect(r.map(line => line.split(' ').slice(0, 4).join(' '))).toEqual(['node3 keeps the pgBackRest', 'node3 is one of']);
		expect(r[1]).toContain('3 etcd members');
		const node1 = refusals(judgeRemoval({answers: cluster(compact), name: 'node1', leader: 'node1', switchover: false}));
		expect(node1.map(line => line.split(';')[0])).toEqual(['node1 leads', 'node1 is one of 3 etcd members']);
		const alone = compact.map(h => (h.name === 'node2' ? {...h, roles: h.roles.filter(r => r !== 'balancer')} : h));
		const last = refusals(judgeRemoval({answers: cluster(alone), name: 'node1', leader: 'node1', switchover: false}));
		expect(last.map(line => line.split(';')[0])).toEqual(['node1 leads', 'node1 is one of 3 etcd members', 'node1 is the last balancer']);
	});

	test('an unknown name is refused, listing the hosts', () => {
		expect(refusals(judge('postgres9'))).toEqual([
			'no host named "postgres9" in cluster produccion; its hosts are postgres1, postgres2, postgres3, etcd1, etcd2, etcd3, haproxy1, haproxy2, pgbackrestRepo',
		]);
	});

	test('etcd tolerates a minority of failures', () => {
		expect([1, 2, 3, 4, 5, 6, 7].map(etcdTolerates)).toEqual([0, 0, 1, 1, 2, 2, 3]);
	});
});

describe('withoutHost', () => {
	test('drops the host and its recorded key, and nothing else', () => {
		const answers = {hosts: seedHosts, ssh: {user: 'root', hostKeys: {postgres3: 'SHA256:a', postgres1: 'SHA256:b'}}};
		const left = withoutHost(answers, 'postgres3');
		expect(left.hosts.map(h => h.name)).not.toContain('postgres3');
		expect(left.hosts).toHaveLength(8);
		expect(left.ssh.hostKeys).toEqual({postgres1: 'SHA256:b'});
		expect(answers.hosts).toHaveLength(9);
	});
});

import {describe, expect, test} from 'vitest';
import type {HostAnswers} from '../../source/answers/schema.js';
import {dataDirsOf, memberSlotName, removalPlan, servicesOf} from '../../source/remove-node/plan.js';
import {example} from '../answers/fixtures.js';

const seed = example('seed-topology');
const hostOf = (name: string) => seed.hosts.find(h => h.name === name)!;

describe('removalPlan', () => {
	test('a replica: every host that changes, the slot, what stays, and verify', () => {
		expect(removalPlan({answers: seed, host: hostOf('postgres3'), leader: 'postgres1', switchoverFirst: false, vipHolder: 'haproxy1', reachable: true, wipe: false, notes: ['2 PostgreSQL nodes remain']})).toEqual([
			'Plan for removing postgres3 (192.168.100.3; postgres) from cluster "produccion":',
			'  postgres3: patroni, postgresql, pgbouncer stop and are disabled (a reboot does not start them)',
			'  postgres1: Patroni drops the replication slot postgres3 once postgres3 leaves; a slot left behind is dropped, so no WAL is kept for postgres3',
			'  postgres1, postgres2: pg_hba no longer admits 192.168.100.3 (Patroni reloads, nothing restarts)',
			"  haproxy1, haproxy2: HAProxy's backends lose postgres3 (reload, sessions kept)",
			"  pgbackrestRepo: pgBackRest's configuration no longer lists postgres3 (the nodes are numbered pg1..pg2 again)",
			'  postgres3 keeps its data (/data/patroni): marked as left behind, so no install starts it as a member again; --wipe empties it',
			"  postgres3's configuration files stay (they name the cluster; nothing reads them while its services are disabled)",
			'  the saved answers forget postgres3 and its host key; then verify',
			'  note: 2 PostgreSQL nodes remain',
		]);
	});

	test('the leader with --switchover says the switchover comes first; --wipe says the data goes for good', () => {
		const plan = removalPlan({answers: seed, host: hostOf('postgres1'), leader: 'postgres1', switchoverFirst: true, reachable: true, wipe: true, notes: []});
		expect(plan[1]).toBe("  switchover first: postgres1 hands the leader role to a replica (pgha switchover's pre-checks apply)");
		expect(plan[3]).toMatch(/^ {2}the leader: Patroni drops the replication slot postgres1/);
		expect(plan).toContain('  --wipe: /data/patroni on postgres1 is emptied; that data is gone for good');
	});

	test('a host that does not answer: the plan says its services cannot be stopped now, and how to later', () => {
		const plan = removalPlan({answers: seed, host: hostOf('postgres3'), leader: 'postgres1', switchoverFirst: false, reachable: false, wipe: false, notes: []});
		expect(plan[1]).toBe(
			'  postgres3 does not answer over SSH: its services cannot be stopped now (stop them by hand if it comes back: systemctl disable --now patroni postgresql pgbouncer); the rest of the cluster forgets it',
		);
	});

	test('an etcd member: member remove from a member that stays, no etcd restart, Patroni forgets it', () => {
		const etcd4: HostAnswers = {name: 'etcd4', ip: '192.168.100.31', roles: ['etcd']};
		const answers = {...seed, hosts: [...seed.hosts, etcd4]};
		const plan = removalPlan({answers, host: etcd4, switchoverFirst: false, reachable: true, wipe: true, notes: []});
		expect(plan.slice(1)).toEqual([
			'  etcd4: etcd stops and is disabled (a reboot does not start them)',
			"  etcd1: `etcdctl member remove etcd4` once every remaining member is healthy, before etcd4's etcd stops",
			'  etcd1, etcd2, etcd3: /etc/default/etcd forgets etcd4 (read only when a member first starts: no restart)',
			"  postgres1, postgres2, postgres3: Patroni's etcd hosts forget etcd4 (its configuration file; Patroni learns the members from etcd itself, nothing restarts)",
			'  --wipe: /var/lib/etcd on etcd4 is emptied; that data is gone for good',
			"  etcd4's configuration files stay (they name the cluster; nothing reads them while its services are disabled)",
			'  the saved answers forget etcd4 and its host key; then verify',
		]);
	});

	test('a balancer holding the VIP: the VIP moves first', () => {
		const haproxy3: HostAnswers = {name: 'haproxy3', ip: '192.168.100.40', roles: ['balancer']};
		const answers = {...seed, hosts: [...seed.hosts, haproxy3]};
		const plan = removalPlan({answers, host: hostOf('haproxy1'), vipHolder: 'haproxy1', switchoverFirst: false, reachable: true, wipe: false, notes: []});
		expect(plan[1]).toBe('  haproxy1 holds the VIP 192.168.100.56: Keepalived stops there first, and the run waits until one of haproxy2, haproxy3 holds it and answers on 5000');
		expect(plan).toContain("  haproxy2, haproxy3: Keepalived's peers forget haproxy1 (reload)");
	});

	test('1 of 2 balancers: the other takes the VIP, then holds it alone; the note says it has no standby', () => {
		const notes = ['1 balancer remains (haproxy2): the VIP 192.168.100.56 has no standby; if that host fails, clients lose the VIP until it returns'];
		const plan = removalPlan({answers: seed, host: hostOf('haproxy1'), vipHolder: 'haproxy1', switchoverFirst: false, reachable: true, wipe: false, notes});
		expect(plan[1]).toBe('  haproxy1 holds the VIP 192.168.100.56: Keepalived stops there first, and the run waits until haproxy2 holds it and answers on 5000');
		expect(plan).toContain('  haproxy2: Keepalived forgets its peer haproxy1 and holds the VIP alone, as the sole balancer (reload)');
		expect(plan.at(-1)).toBe(`  note: ${notes[0]}`);
	});
});

describe('what a host runs and keeps', () => {
	test('services and data directories follow the roles', () => {
		expect(servicesOf({roles: ['postgres', 'etcd', 'balancer']})).toEqual(['patroni', 'postgresql', 'pgbouncer', 'etcd', 'keepalived', 'haproxy']);
		expect(dataDirsOf({roles: ['postgres', 'etcd']})).toEqual(['/data/patroni', '/var/lib/etcd']);
		expect(dataDirsOf({roles: ['balancer']})).toEqual([]);
	});

	test("a member's slot is named as Patroni names it", () => {
		expect(memberSlotName('postgres3')).toBe('postgres3');
		expect(memberSlotName('PG-Node.2')).toBe('pg_node_2');
	});
});

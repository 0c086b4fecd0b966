import {describe, expect, test} from 'vitest';
import {buildPhases, buildRestorePhases, buildUpgradePhases} from '../../source/engine/phases.js';
import {upgradeOrder} from '../../source/upgrade/order.js';
import {example} from '../answers/fixtures.js';
import {placeholderKeys} from '../../source/keys/cluster-keys.js';

const seedAnswers = () => example('seed-topology');

const order = (phases: ReturnType<typeof buildPhases>) => phases.map(p => `${p.name}:${p.hosts.join(',')}${p.serial ? ' (serial)' : ''}`);

describe('buildPhases', () => {
	test('a first install bootstraps the first node, then its replicas, and backs up before PgBouncer, so a node waits only for its own SSH trust', () => {
		expect(order(buildPhases(seedAnswers()))).toEqual([
			'preflight:postgres1,postgres2,postgres3,etcd1,etcd2,etcd3,haproxy1,haproxy2,pgbackrestRepo',
			'packages:postgres1,postgres2,postgres3,etcd1,etcd2,etcd3,haproxy1,haproxy2,pgbackrestRepo',
			'prepare:postgres1,postgres2,postgres3,pgbackrestRepo',
			'etcd:etcd1,etcd2,etcd3',
			'postgres-leader:postgres1',
			'postgres-replicas:postgres2,postgres3',
			'backup:postgres1,postgres2,postgres3,pgbackrestRepo (serial)',
			'pgbouncer:postgres1,postgres2,postgres3',
			'balancers:haproxy1,haproxy2',
			// Only members waiting for a changed setting restart; the bootstrapped leader goes last.
			'restart:postgres2,postgres3,postgres1 (serial)',
		]);
	});

	test('on a live cluster the restart phase takes the replicas first and the leader last, after the backup phase', () => {
		const phases = buildPhases(seedAnswers(), {leader: 'postgres2', members: ['postgres1', 'postgres2', 'postgres3']});
		const restart = phases.find(p => p.name === 'restart')!;
		expect(restart.hosts).toEqual(['postgres1', 'postgres3', 'postgres2']);
		expect(restart.serial).toBe(true);
		expect(restart.after).toEqual(['postgres-leader', 'postgres-replicas', 'pgbouncer', 'backup']);
	});

	test('on a live cluster the replicas go one at a time before the leader, and a new node joins after it', () => {
		const answers = seedAnswers();
		answers.hosts.push({name: 'postgres4', ip: '192.168.100.10', roles: ['postgres']});
		const phases = order(buildPhases(answers, {leader: 'postgres2', members: ['postgres1', 'postgres2', 'postgres3']}));
		expect(phases.slice(4, 9)).toEqual([
			'postgres-replicas:postgres1,postgres3 (serial)',
			'postgres-leader:postgres2',
			'postgres-replicas:postgres4',
			'backup:postgres1,postgres2,postgres3,postgres4,pgbackrestRepo (serial)',
			'pgbouncer:postgres1,postgres2,postgres3,postgres4 (serial)',
		]);
		// Those phases touch different hosts, so only what each waits for keeps the leader last and the new node after it.
		const waits = buildPhases(answers, {leader: 'postgres2', members: ['postgres1', 'postgres2', 'postgres3']}).slice(4, 9).map(p => p.after);
		expect(waits[1]).toContain('postgres-replicas');
		expect(waits[2]).toContain('postgres-leader');
		expect(waits[4]).toEqual(expect.arrayContaining(['postgres-leader', 'postgres-replicas']));
	});

	test('on a new cluster etcd and the balancers wait for nothing but their own hosts, PostgreSQL for etcd, the backup for every host', () => {
		const after = Object.fromEntries(buildPhases(seedAnswers()).map(p => [p.name, p.after]));
		expect(after['packages']).toEqual(['preflight']);
		expect(after['etcd']).toEqual([]);
		expect(after['balancers']).toEqual([]);
		expect(after['postgres-leader']).toContain('etcd');
		expect(after['backup']).toEqual(expect.arrayContaining(['packages', 'prepare', 'postgres-leader', 'postgres-replicas']));
	});

	test("PgBouncer's files and the repository's config are written alongside PostgreSQL's start: only PgBouncer's service and the backup wait for them", () => {
		const phases = buildPhases(seedAnswers());
		const prepare = phases.find(p => p.name === 'prepare')!;
		expect(prepare.alongside).toBe(true);
		expect(prepare.after).toEqual([]);
		const answers = seedAnswers();
		const run = {answers, facts: new Map(), identities: new Map(), connections: new Map(), signal: new AbortController().signal, keys: placeholderKeys(answers)};
		const names = (phase: string, host: string) => phases.find(p => p.name === phase)!.steps(answers.hosts.find(h => h.name === host)!, run).map(s => s.name);
		expect(names('prepare', 'postgres2')).toEqual(expect.arrayContaining(['file /etc/pgbouncer/pgbouncer.ini', 'file /etc/pgbouncer/userlist.txt']));
		expect(names('prepare', 'pgbackrestRepo')).toEqual(expect.arrayContaining(['repository /var/lib/pgbackrest', 'file /etc/pgbackrest/pgbackrest.conf']));
		expect(names('pgbouncer', 'postgres2').filter(s => s.startsWith('file '))).toEqual([]);
		expect(names('pgbouncer', 'postgres2').at(-1)).toBe('service pgbouncer');
		for (const waiting of ['pgbouncer', 'backup']) expect(phases.find(p => p.name === waiting)!.after).toContain('prepare');
		for (const own of ['etcd', 'postgres-leader', 'postgres-replicas', 'balancers']) expect(phases.find(p => p.name === own)!.after).not.toContain('prepare');
	});

	test('hosts that do not answer are left out of every phase', () => {
		const phases = buildPhases(seedAnswers(), {reachable: new Set(['postgres1', 'etcd1', 'haproxy1'])});
		expect(order(phases)).toEqual([
			'preflight:postgres1,etcd1,haproxy1',
			'packages:postgres1,etcd1,haproxy1',
			'prepare:postgres1',
			'etcd:etcd1',
			'postgres-leader:postgres1',
			'backup:postgres1 (serial)',
			'pgbouncer:postgres1',
			'balancers:haproxy1',
			'restart:postgres1 (serial)',
		]);
	});
});

describe('buildRestorePhases', () => {
	const run = {id: 'r1', leader: 'postgres2', backup: '20261201-045224F', restoreOptions: ['--type=default'], target: 'latest', startedAt: new Date()};
	const steps = (phases: ReturnType<typeof buildRestorePhases>, name: string, host: string) => {
		const answers = seedAnswers();
		const phase = phases.find(p => p.name === name)!;
		const identities = new Map(answers.hosts.map(h => [h.name, {userKey: `ssh-ed25519 AAAA postgres@${h.name}`, hostKey: 'ssh-ed25519 BBBB'}]));
		return phase.steps(answers.hosts.find(h => h.name === host)!, {answers, facts: new Map(), identities, connections: new Map(), signal: new AbortController().signal, keys: placeholderKeys(answers)}).map(s => s.name);
	};

	test('stops writes (replicas first), restores the leader, backs up, then re-creates the replicas from that backup', () => {
		const phases = buildRestorePhases(seedAnswers(), run);
		expect(order(phases)).toEqual([
			'preflight:postgres1,postgres2,postgres3,etcd1,etcd2,etcd3,haproxy1,haproxy2,pgbackrestRepo',
			'packages:postgres1,postgres2,postgres3,etcd1,etcd2,etcd3,haproxy1,haproxy2,pgbackrestRepo',
			'prepare:postgres1,postgres2,postgres3,pgbackrestRepo',
			'etcd:etcd1,etcd2,etcd3',
			'backup:postgres1,postgres2,postgres3,pgbackrestRepo (serial)',
			'restore-stop:postgres1,postgres3,postgres2 (serial)',
			'postgres-leader:postgres2',
			'restore-backup:pgbackrestRepo',
			'postgres-replicas:postgres1,postgres3',
			'pgbouncer:postgres1,postgres2,postgres3',
			'balancers:haproxy1,haproxy2',
		]);
		expect(phases.find(p => p.name === 'postgres-replicas')!.after).toEqual(['restore-backup']);
		expect(phases.find(p => p.name === 'postgres-leader')!.after).toEqual(['etcd', 'restore-stop']);
	});

	test("the leader's steps clear etcd, restore, recover and promote before Patroni starts; a replica is emptied before it starts", () => {
		const phases = buildRestorePhases(seedAnswers(), run);
		const leader = steps(phases, 'postgres-leader', 'postgres2');
		const at = (name: string) => leader.findIndex(s => s.startsWith(name));
		expect(at('cluster produccion cleared from etcd')).toBeGreaterThan(-1);
		expect(at('cluster produccion cleared from etcd')).toBeLessThan(at('pgBackRest restore'));
		expect(at('pgBackRest restore')).toBeLessThan(at('recovery to latest'));
		expect(at('recovery to latest')).toBeLessThan(at('service patroni'));
		expect(leader.at(-1)).toMatch(/^passwords of roles/);
		const replica = steps(phases, 'postgres-replicas', 'postgres1');
		expect(replica.indexOf('data directory /data/patroni emptied for the restore')).toBeLessThan(replica.indexOf('service patroni'));
		expect(steps(phases, 'backup', 'postgres1')[0]).toBe('WAL archived up to now');
	});
});

describe('buildUpgradePhases', () => {
	test('preflight, the packages on every host at once, then the restarts one host at a time in the upgrade order', () => {
		const answers = seedAnswers();
		const phases = buildUpgradePhases(answers, upgradeOrder(answers, {leader: 'postgres1', vipHolder: 'haproxy1'}));
		expect(order(phases)).toEqual([
			'preflight:postgres1,postgres2,postgres3,etcd1,etcd2,etcd3,haproxy1,haproxy2,pgbackrestRepo',
			'upgrade-packages:etcd1,etcd2,etcd3,pgbackrestRepo,postgres2,postgres3,postgres1,haproxy2,haproxy1',
			'upgrade:etcd1,etcd2,etcd3,pgbackrestRepo,postgres2,postgres3,postgres1,haproxy2,haproxy1 (serial)',
		]);
		expect(phases.find(p => p.name === 'upgrade')!.after).toEqual(['upgrade-packages']);
	});

	test('the packages phase only installs; the restart phase holds each component\'s restart, the leader\'s switchover first', () => {
		const answers = seedAnswers();
		const phases = buildUpgradePhases(answers, upgradeOrder(answers, {leader: 'postgres1'}));
		const steps = (phase: string, host: string) => phases.find(p => p.name === phase)!.steps(answers.hosts.find(h => h.name === host)!, {} as never).map(s => s.name);
		expect(steps('upgrade-packages', 'postgres1')).toEqual([expect.stringMatching(/^packages /)]);
		expect(steps('upgrade', 'postgres1')).toEqual(['the leader role handed over before this node restarts', 'Patroni runs the installed version', 'PostgreSQL runs the installed server', 'PgBouncer runs the installed version']);
		expect(steps('upgrade', 'etcd1')).toEqual(['etcd runs the installed version']);
		expect(steps('upgrade', 'haproxy1')).toEqual(['HAProxy and Keepalived run the installed versions']);
		expect(steps('upgrade', 'pgbackrestRepo')).toEqual([]);
	});
});

import {describe, expect, test} from 'vitest';
import {upgradeOrder} from '../../source/upgrade/order.js';
import {example} from '../answers/fixtures.js';

describe('upgradeOrder', () => {
	const seed = example('seed-topology');

	test('etcd members, the repository, the replicas, the leader, then the balancers with the VIP holder last', () => {
		expect(upgradeOrder(seed, {leader: 'postgres2', vipHolder: 'haproxy1'})).toEqual([
			'etcd1',
			'etcd2',
			'etcd3',
			'pgbackrestRepo',
			'postgres1',
			'postgres3',
			'postgres2',
			'haproxy2',
			'haproxy1',
		]);
	});

	test('every host exactly once, whatever leads', () => {
		for (const leader of ['postgres1', 'postgres3', undefined]) {
			const order = upgradeOrder(seed, {...(leader ? {leader} : {}), vipHolder: 'haproxy2'});
			expect([...order].sort()).toEqual(seed.hosts.map(h => h.name).sort());
			if (leader) expect(order.indexOf(leader)).toBeGreaterThan(Math.max(...['postgres1', 'postgres2', 'postgres3'].filter(n => n !== leader).map(n => order.indexOf(n))));
			expect(order.at(-1)).toBe('haproxy2');
		}
	});

	test('compact hosts carrying PostgreSQL go in the PostgreSQL order, the leader last', () => {
		const compact = example('compact');
		const names = compact.hosts.map(h => h.name);
		const order = upgradeOrder(compact, {leader: names[0]!, vipHolder: names[1]!});
		expect(order.at(-1)).toBe(names[0]);
		expect([...order].sort()).toEqual([...names].sort());
	});
});

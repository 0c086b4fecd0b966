import {describe, expect, test} from 'vitest';
import {main} from '../../source/commands/main.js';
import {exitCodes} from '../../source/errors.js';
import {vipDrillRefusal} from '../../source/failover/drill.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed, snapshot} from './saved-cluster.js';

// The refusals happen before any host is contacted: with no SSH at all they must still answer, exit 2, and change nothing.
describe('pgha drill and pgha switchover refuse bad usage before touching anything', () => {
	const cases: Array<{name: string; args: string[]; flags?: Partial<typeof noFlags> & {kind?: string; to?: string}; message: RegExp}> = [
		{name: 'no subject', args: ['drill'], message: /drill needs what to drill: pgha drill failover/},
		{name: 'an unknown subject', args: ['drill', 'etcd'], message: /drill needs what to drill/},
		{name: 'an unknown --kind', args: ['drill', 'failover'], flags: {kind: 'meteor', yes: true}, message: /--kind must be crash, partition or graceful, not "meteor"/},
		{name: '--kind with the VIP drill', args: ['drill', 'vip'], flags: {kind: 'crash', yes: true}, message: /--kind is for `pgha drill failover`/},
		{name: 'no terminal and no --yes (drill)', args: ['drill', 'failover'], message: /drill failover changes the cluster; pass --yes/},
		{name: 'no terminal and no --yes (switchover)', args: ['switchover'], message: /switchover changes the cluster; pass --yes/},
		{name: 'an argument to switchover', args: ['switchover', 'postgres2'], flags: {yes: true}, message: /switchover takes no arguments \(got "postgres2"\); name the new leader with --to MEMBER/},
	];
	test('the VIP drill on a cluster of 1 balancer: the VIP has nowhere to move', async () => {
		const env = savedSeed(raw => ({...raw, hosts: raw.hosts.filter(h => h.name !== 'haproxy2')}));
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['drill', 'vip'], {...noFlags, yes: true}, io)).toBe(exitCodes.usage);
		expect(io.stderr()).toBe(
			'pgha: the VIP drill needs 2 balancers: it kills HAProxy on the one holding the VIP 192.168.100.56 and watches another take it over; ' +
				'cluster produccion has 1 (haproxy1), so the VIP has nowhere to move. `pgha drill failover` drills PostgreSQL\'s failover',
		);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	for (const c of cases)
		test(c.name, async () => {
			const env = savedSeed();
			const before = snapshot(env['PGHA_HOME']!);
			const io = captureIo(env);
			expect(await main(c.args, {...noFlags, ...c.flags}, io)).toBe(exitCodes.usage);
			expect(io.stderr()).toMatch(c.message);
			expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
		});
});

describe('vipDrillRefusal', () => {
	const answers = (balancers: number) => ({
		cluster: {name: 'produccion', postgresVersion: 15 as const},
		network: {vip: '192.168.100.56', prefix: 24, vrrpRouterId: 51},
		hosts: Array.from({length: balancers}, (_, i) => ({name: `haproxy${i + 1}`, ip: `192.168.100.${i + 5}`, roles: ['balancer' as const]})),
	});
	test('lets the drill run on 2 or 3 balancers, and names what is missing on 0 or 1', () => {
		expect(vipDrillRefusal(answers(2))).toBeUndefined();
		expect(vipDrillRefusal(answers(3))).toBeUndefined();
		expect(vipDrillRefusal(answers(1))).toMatch(/^the VIP drill needs 2 balancers: .* has 1 \(haproxy1\), so the VIP has nowhere to move/);
		expect(vipDrillRefusal(answers(0))).toMatch(/ has 0 \(none\), /);
	});
});

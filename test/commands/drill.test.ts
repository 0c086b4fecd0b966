import {describe, expect, test} from 'vitest';
import {main} from '../../source/commands/main.js';
import {exitCodes} from '../../source/errors.js';
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

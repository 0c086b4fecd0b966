import {describe, expect, test} from 'vitest';
import {main} from '../../source/commands/main.js';
import {restartUsage} from '../../source/commands/restart.js';
import {exitCodes} from '../../source/errors.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed, snapshot} from './saved-cluster.js';

// Refused before any host is contacted: with no SSH at all they answer, exit 2, and change nothing.
describe('pgha restart refuses bad usage before touching anything', () => {
	const cases: Array<{name: string; args: string[]; flags?: Partial<typeof noFlags> & {rolling?: boolean; member?: string}; message: RegExp}> = [
		{name: 'no terminal and no --yes', args: ['restart'], message: /restart changes the cluster; pass --yes to run it without a terminal/},
		{name: 'an argument', args: ['restart', 'postgres2'], flags: {yes: true}, message: /restart takes no arguments \(got "postgres2"\); name one member with --member NAME/},
		{name: '--rolling with --member', args: ['restart'], flags: {yes: true, rolling: true, member: 'postgres2'}, message: /--rolling restarts every member and --member NAME one of them; give one or the other/},
		{name: '--member with no name', args: ['restart'], flags: {yes: true, member: ''}, message: /--member needs a member name/},
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

	test('the default is rolling over every member', () => {
		expect(restartUsage([], {rolling: false})).toBeUndefined();
		expect(restartUsage([], {rolling: true})).toBeUndefined();
		expect(restartUsage([], {rolling: false, member: 'postgres1'})).toBeUndefined();
	});
});

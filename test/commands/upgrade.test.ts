import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {main} from '../../source/commands/main.js';
import {transactionLimit} from '../../source/commands/upgrade.js';
import {exitCodes} from '../../source/errors.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed, snapshot} from './saved-cluster.js';

// Refused before any host is contacted: with no SSH at all they answer, exit 2, and change nothing.
describe('pgha upgrade refuses bad usage before touching anything', () => {
	const cases: Array<{name: string; args: string[]; flags?: Partial<typeof noFlags> & {maxTransactionAge?: string; bundle?: string}; message: RegExp}> = [
		{name: 'no terminal and no --yes', args: ['upgrade'], message: /upgrade changes the cluster; pass --yes to run it without a terminal/},
		{name: 'an argument', args: ['upgrade', 'postgres2'], flags: {yes: true}, message: /upgrade takes no arguments \(got "postgres2"\)/},
		{name: 'a transaction age that is no number', args: ['upgrade'], flags: {yes: true, maxTransactionAge: '5m'}, message: /--max-transaction-age must be a whole number of seconds, 1 or more \(got "5m"\)/},
		{name: 'a bundle that does not exist', args: ['upgrade'], flags: {yes: true, bundle: '/nonexistent/new.tar'}, message: /\/nonexistent\/new\.tar/},
		{name: 'a file that is no bundle', args: ['upgrade'], flags: {yes: true, bundle: 'not-a-bundle'}, message: /not-a-bundle/},
	];
	for (const c of cases)
		test(c.name, async () => {
			const env = savedSeed();
			const before = snapshot(env['PGHA_HOME']!);
			const io = captureIo(env);
			const flags = {...noFlags, ...c.flags};
			if (flags.bundle === 'not-a-bundle') {
				flags.bundle = join(env['PGHA_HOME']!, '..', 'not-a-bundle.tar');
				writeFileSync(flags.bundle, 'hello');
			}
			expect(await main(c.args, flags, io)).toBe(exitCodes.usage);
			expect(io.stderr()).toMatch(c.message);
			expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
		});

	test('the transaction age defaults to five minutes', () => {
		expect(transactionLimit(undefined)).toBe(300);
		expect(transactionLimit('30')).toBe(30);
		expect(() => transactionLimit('0')).toThrow(/1 or more/);
	});
});

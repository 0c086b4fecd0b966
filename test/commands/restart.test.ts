import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Flags} from '../../source/commands/context.js';
import {example, root, strongEnv, withStatsPassword} from '../answers/fixtures.js';
import {keepKeys} from '../keys/fixtures.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, failures, phasesThrough} from '../recipes/converge.js';
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

describe('pgha restart on fake hosts', () => {
	let home: string;
	let cluster: FakeCluster;
	beforeEach(async () => {
		home = mkdtempSync(join(tmpdir(), 'pgha-restart-command-'));
		const answers = withStatsPassword(example('compact'));
		await keepKeys(answers, {PGHA_HOME: home});
		cluster = FakeCluster.of(answers);
		const install = await converge(cluster, answers, phasesThrough(answers));
		expect(failures(install.events)).toEqual([]);
	});
	afterEach(() => rmSync(home, {recursive: true, force: true}));

	const pgha = async (flags: Partial<Flags>) => {
		const io = {...captureIo({...strongEnv, PGHA_HOME: home}), connect: cluster.connect};
		const code = await main(['restart'], {...noFlags, answers: join(root, 'examples/compact.yaml'), yes: true, ...flags}, io);
		return {code, out: io.lines, err: io.stderr()};
	};

	test('--member restarts one replica, says the plan first and how long it took', async () => {
		const {code, out, err} = await pgha({member: 'node3'});
		expect(err).toBe('');
		expect(code).toBe(exitCodes.ok);
		expect(out[0]).toBe('restart: node3');
		expect(out[1]).toBe('restart: node3 (replica) restarting');
		expect(out[2]).toMatch(/^restart: node3 took \d+\.\d s, streaming again$/);
		expect(out.at(-1)).toMatch(/^pgha: restarted node3 \d+\.\d s\.$/);
		expect(cluster.restarts).toEqual(['node3']);
	});

	test('an unknown --member is exit 2, nothing restarted', async () => {
		const {code, err} = await pgha({member: 'node9'});
		expect(code).toBe(exitCodes.usage);
		expect(err).toContain('pgha: restart refused, nothing was restarted:\n  --member node9 is not a member; the members are node1, node2, node3');
		expect(cluster.restarts).toEqual([]);
	});
});

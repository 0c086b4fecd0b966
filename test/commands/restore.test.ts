import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {describe, expect, test} from 'vitest';
import {main} from '../../source/commands/main.js';
import {exitCodes} from '../../source/errors.js';
import {saveJournal} from '../../source/restore/journal.js';
import {applyCluster} from '../../source/engine/install.js';
import {loadCluster} from '../../source/answers/store.js';
import {exampleRaw} from '../answers/fixtures.js';
import {captureIo, noFlags} from './io.js';
import type {Connector} from '../../source/engine/connect.js';
import {savedSeed, snapshot} from './saved-cluster.js';

/** A connector that fails the test's point: nothing may be contacted. */
const noSsh: Connector = async host => {
	throw new Error(`${host.name}: no host may be contacted here`);
};

// Refusals come before any host is contacted: with no SSH at all they answer, exit 2, and change nothing.
describe('pgha restore refuses bad usage before touching anything', () => {
	const cases: Array<{name: string; args?: string[]; flags: Partial<typeof noFlags> & {to?: string; into?: string; answers?: string}; message: RegExp}> = [
		{name: 'no terminal and no --yes', flags: {to: 'latest'}, message: /restore changes the cluster; pass --yes/},
		{name: 'a --to that is no time, LSN, label or latest', flags: {to: 'last tuesday', yes: true}, message: /--to: "last tuesday" is not a time \(2026-12-01 05:10:00Z\), an LSN \(0\/5000028\), a backup label \(20261201-050000F\) or latest/},
		{name: 'no --to without a terminal', flags: {yes: true}, message: /say what to restore to: --to TIME/},
		{name: 'an answer file instead of a saved cluster', flags: {to: 'latest', yes: true, answers: 'x.yaml'}, message: /restore works on a saved cluster; pass --cluster NAME/},
		{name: 'an argument', args: ['now'], flags: {yes: true}, message: /restore takes no arguments \(got "now"\)/},
	];
	for (const c of cases)
		test(c.name, async () => {
			const env = savedSeed();
			const before = snapshot(env['PGHA_HOME']!);
			const io = {...captureIo(env), connect: noSsh};
			expect(await main(['restore', ...(c.args ?? [])], {...noFlags, ...c.flags}, io)).toBe(exitCodes.usage);
			expect(io.stderr()).toMatch(c.message);
			expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
		});

	test('--into refuses a new cluster that shares a host with the source, or has its name', async () => {
		const env = savedSeed();
		const dir = env['PGHA_HOME']!;
		const same = exampleRaw('seed-topology');
		writeFileSync(join(dir, 'same.yaml'), YAML.stringify(same));
		const io = {...captureIo(env), connect: noSsh};
		expect(await main(['restore'], {...noFlags, yes: true, into: join(dir, 'same.yaml')}, io)).toBe(exitCodes.usage);
		expect(io.stderr()).toMatch(/the new cluster needs a name of its own/);
		const shared = {...same, cluster: {...(same['cluster'] as object), name: 'staging'}};
		writeFileSync(join(dir, 'shared.yaml'), YAML.stringify(shared));
		const again = {...captureIo(env), connect: noSsh};
		expect(await main(['restore'], {...noFlags, yes: true, into: join(dir, 'shared.yaml')}, again)).toBe(exitCodes.usage);
		expect(again.stderr()).toMatch(/postgres1 \(192\.168\.100\.1\).* belong to cluster produccion; the new cluster needs hosts of its own/);
	});
});

describe('an unfinished restore', () => {
	test('install and repair refuse to run across it, naming the command that finishes it', async () => {
		const env = savedSeed();
		const loaded = loadCluster('produccion', env);
		if (!loaded.ok) throw new Error('the saved seed does not load');
		saveJournal({id: 'r1', cluster: 'produccion', target: 'latest', leader: 'postgres1', backup: '20261201-050000F', timeline: 1, restoreOptions: ['--type=default'], startedAt: '2026-12-01T05:00:00.000Z'}, env);
		const events: string[] = [];
		const result = await applyCluster({answers: loaded.answers, raw: loaded.raw as never, env, connect: noSsh, emit: event => event.type === 'step-failed' && events.push(event.error)});
		expect(result.ok).toBe(false);
		expect(events.join('\n')).toContain('a restore of cluster produccion started at 2026-12-01T05:00:00.000Z is unfinished');
		expect(events.join('\n')).toContain('Run `pgha restore --cluster produccion` to finish it');
	});
});

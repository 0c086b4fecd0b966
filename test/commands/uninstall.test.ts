import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Flags, Io} from '../../source/commands/context.js';
import {main} from '../../source/commands/main.js';
import {example, root, strongEnv, withStatsPassword} from '../answers/fixtures.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, failures, phasesThrough} from '../recipes/converge.js';

let cluster: FakeCluster;
let home: string;

/** `pgha uninstall` on the compact example, reaching the fake hosts; its exit code and output. */
async function pgha(args: string[], flags: Partial<Flags>, connect = cluster.connect): Promise<{code: number; out: string[]; err: string[]}> {
	const out: string[] = [];
	const err: string[] = [];
	const io: Io = {out: text => void out.push(text), err: text => void err.push(text), interactive: false, env: {...strongEnv, PGHA_HOME: home}, connect};
	const all: Flags = {answers: join(root, 'examples/compact.yaml'), yes: false, dryRun: false, json: false, check: false, debug: false, topology: '', purge: false, ...flags};
	const code = await main(['uninstall', ...args], all, io);
	return {code, out, err};
}

beforeEach(async () => {
	home = mkdtempSync(join(tmpdir(), 'pgha-uninstall-command-'));
	const answers = withStatsPassword(example('compact'));
	cluster = FakeCluster.of(answers);
	const install = await converge(cluster, answers, phasesThrough(answers));
	expect(failures(install.events)).toEqual([]);
});

afterEach(() => rmSync(home, {recursive: true, force: true}));

describe('pgha uninstall', () => {
	test.each([
		[[], {}, 'uninstall needs the cluster\'s name typed on a terminal; without one pass --yes --confirm compact'],
		[[], {yes: true}, '--yes needs --confirm compact'],
		[[], {yes: true, confirm: 'produccion'}, '--confirm produccion does not name the cluster; pass --confirm compact to uninstall cluster "compact"'],
		[['now'], {yes: true, confirm: 'compact'}, 'uninstall takes no arguments (got "now")'],
	])('%o %o: exit 2 naming the flag, no host reached', async (args, flags, message) => {
		const reached: string[] = [];
		const {code, err} = await pgha(args, flags, async (host, ssh, key) => {
			reached.push(host.name);
			return cluster.connect(host, ssh, key);
		});
		expect(code).toBe(2);
		expect(err.join('\n')).toContain(message);
		expect(reached).toEqual([]);
	});

	test('--dry-run prints the plan and changes nothing', async () => {
		const before = cluster.host('node1').serviceActions();
		const {code, out} = await pgha([], {dryRun: true});
		expect(code).toBe(0);
		expect(out[0]).toBe('uninstall: cluster "compact", 3 host(s)');
		expect(out).toContain('    stops: keepalived, haproxy, pgbouncer, patroni, etcd');
		expect(out.at(-1)).toBe('pgha: dry run: nothing was changed.');
		expect(cluster.host('node1').unit('patroni')).toMatchObject({active: true});
		expect(cluster.host('node1').serviceActions()).toEqual(before);
	});

	test('--yes --confirm NAME uninstalls, keeping the data; a second run finds nothing to do', async () => {
		const first = await pgha([], {yes: true, confirm: 'compact'});
		expect(first.err).toEqual([]);
		expect(first.code).toBe(0);
		expect(first.out).toContain('== uninstall-stop (node1, node2, node3)');
		expect(first.out).toContain('node1: keepalived stopped and disabled: changed');
		expect(first.out).toContain('pgha: cluster "compact" uninstalled from 3 host(s); its data stays.');
		expect(first.out.at(-1)).toBe('pgha: the saved cluster stays: `pgha install --cluster compact` installs it again, `pgha answers remove compact` forgets it.');
		expect(cluster.host('node1').unit('patroni')).toBeUndefined();

		const second = await pgha([], {yes: true, confirm: 'compact', wipeData: false});
		expect(second.code).toBe(0);
		expect(second.out.filter(line => line.endsWith(': changed'))).toEqual([]);
	});

	test('an unreachable host is reported, the others are uninstalled, and the exit is 1 naming the re-run', async () => {
		const {code, out, err} = await pgha([], {yes: true, confirm: 'compact', wipeData: true}, async (host, ssh, key) => {
			if (host.name === 'node2') throw new Error('node2 (10.131.0.12): connect ETIMEDOUT');
			return cluster.connect(host, ssh, key);
		});
		expect(code).toBe(1);
		expect(out).toContain('  node2: UNREACHABLE (node2 (10.131.0.12): connect ETIMEDOUT); nothing is done there: run the uninstall again once it answers');
		expect(err.join('\n')).toContain('not from node2 (unreachable). Run `pgha uninstall --cluster compact --wipe-data` once they answer.');
		expect(cluster.host('node1').files.has('/data/patroni/PG_VERSION')).toBe(false);
		expect(cluster.host('node2').unit('patroni')).toMatchObject({active: true});
	});
});

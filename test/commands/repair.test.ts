import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Flags, Io} from '../../source/commands/context.js';
import {main} from '../../source/commands/main.js';
import {example, root, strongEnv, withStatsPassword} from '../answers/fixtures.js';
import {keepKeys} from '../keys/fixtures.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, failures, phasesThrough} from '../recipes/converge.js';

let cluster: FakeCluster;
let home: string;

/** `pgha repair [--check]` on the compact example, reaching the fake hosts; its exit code and output. */
async function pgha(check: boolean): Promise<{code: number; out: string[]; err: string[]}> {
	const out: string[] = [];
	const err: string[] = [];
	const io: Io = {out: text => void out.push(text), err: text => void err.push(text), interactive: false, env: {...strongEnv, PGHA_HOME: home}, connect: cluster.connect};
	const flags: Flags = {answers: join(root, 'examples/compact.yaml'), yes: true, dryRun: false, json: false, check, debug: false, topology: '', purge: false};
	const code = await main(['repair'], flags, io);
	return {code, out, err};
}

beforeEach(async () => {
	home = mkdtempSync(join(tmpdir(), 'pgha-repair-command-'));
	// Installed with the stats password the environment gives back and the keys kept in PGHA_HOME, which repair reuses.
	const answers = withStatsPassword(example('compact'));
	await keepKeys(answers, {PGHA_HOME: home});
	cluster = FakeCluster.of(answers);
	const install = await converge(cluster, answers, phasesThrough(answers));
	expect(failures(install.events)).toEqual([]);
});

afterEach(() => rmSync(home, {recursive: true, force: true}));

describe('pgha repair', () => {
	test('--check exits 0 and says so when nothing drifted', async () => {
		const {code, out} = await pgha(true);
		expect(out.at(-1)).toBe('pgha: no drift.');
		expect(code).toBe(0);
	});

	test('--check exits 3 naming host and step; repair exits 0 once it put it back; --check is clean again', async () => {
		const etcd = cluster.host('node3').files.get('/etc/default/etcd')!;
		etcd.content = etcd.content.replace(/^ETCD_NAME=.*$/m, 'ETCD_NAME="renamed"');
		const before = cluster.serviceActions();

		const check = await pgha(true);
		expect(check.out).toContain('node3: DRIFT file /etc/default/etcd');
		expect(check.out).toContain('node3:   -ETCD_NAME="renamed"');
		expect(check.out.at(-1)).toBe('pgha: drift found in 1 place(s); `pgha repair` puts it back.');
		expect(check.code).toBe(3);
		expect(cluster.serviceActions()).toEqual(before);

		const fix = await pgha(false);
		expect(fix.err).toEqual([]);
		expect(fix.out.at(-1)).toBe('pgha: repaired: 2 change(s); the cluster verifies');
		expect(fix.code).toBe(0);
		expect(cluster.host('node3').unit('etcd')?.restarts).toBe(1);
		expect(cluster.host('node1').unit('etcd')?.restarts).toBe(0);

		expect(await pgha(true)).toMatchObject({code: 0});
	});

	test('--check exits 3 on what only the health judgement sees: backups too old', async () => {
		const threeDaysAgo = Math.round(Date.now() / 1000) - 3 * 86_400;
		for (const backup of cluster.backups) backup.timestamp = {start: threeDaysAgo - 60, stop: threeDaysAgo};
		const {code, out} = await pgha(true);
		expect(out).toContain('cluster: DRIFT the newest backup is recent: the newest backup is 3 days old');
		expect(code).toBe(3);
	});

	test('--check exits 3 when Patroni stopped on a replica: the service drifted and the health model sees it', async () => {
		cluster.host('node2').stop('patroni');
		const {code, out} = await pgha(true);
		expect(out).toContain('node2: DRIFT service patroni');
		expect(out.some(line => line.startsWith('cluster: DRIFT Patroni: one leader') && line.includes('node2 is not a Patroni member'))).toBe(true);
		expect(code).toBe(3);
		const fix = await pgha(false);
		expect(fix.code).toBe(0);
		expect(cluster.host('node2').unit('patroni')?.active).toBe(true);
	});
});

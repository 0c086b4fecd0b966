import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {beforeAll, describe, expect, test} from 'vitest';
import {localEtcdctl} from '../../recipes/etcd/probes.js';
import {labUnavailable, onHost, pgha, readAnswers, sqlViaVip, until, type LabAnswers} from './helpers.js';
import {pointReleaseBundle} from './point-release.js';
import {clusterCa, longestGap, lostRows, startVipWriters, viaVip, type WriterRecord} from './vip-writers.js';
import {expectWhole, seedEnv as env, seedAnswersFile, seedLab, seedPgpass as pgpass, seedWork} from './seed-cluster.js';

// The end of a cluster's life on the seed lab, last of the seed files: a
// balancer and (on a four-member etcd) an etcd member leave, the removals that
// would cost the cluster its quorum, its leader or its VIP are refused with
// nothing changed, and the cluster is uninstalled and installed again on the
// same hosts.
const skip = labUnavailable();
let answers: LabAnswers;
const cluster = () => answers.cluster.name;
const savedFile = () => join(env.PGHA_HOME, 'clusters', `${cluster()}.json`);

type Member = {Member: string; Role: string; State: string};
const members = (): Member[] => JSON.parse(onHost(answers, 'postgres1', 'patronictl -c /etc/patroni/config.yml list -f json')) as Member[];
const leaderName = () => members().find(m => m.Role === 'Leader')!.Member;
const etcdMembers = (on: string) =>
	onHost(answers, on, localEtcdctl(answers.hosts.find(h => h.name === on)!.ip, 'member list -w simple'))
		.trim()
		.split('\n')
		.map(line => line.split(', ')[2])
		.sort();
const vipHolder = () => answers.hosts.filter(h => h.roles.includes('balancer')).find(h => onHost(answers, h.name, 'ip -o -4 addr show').includes(` ${answers.network.vip}/`))?.name;

/** Asks to remove a host and expects a refusal naming why; proves nothing moved. */
async function expectRefused(name: string, why: RegExp): Promise<void> {
	const saved = readFileSync(savedFile(), 'utf8');
	const before = members().map(m => `${m.Member}:${m.Role}`).sort();
	const run = await pgha(['remove-node', name, '--cluster', cluster(), '--yes'], env);
	expect(run.code, run.stdout + run.stderr).toBe(2);
	expect(run.stderr).toContain(`remove-node ${name} refused, nothing was changed`);
	expect(run.stderr).toMatch(why);
	expect(readFileSync(savedFile(), 'utf8')).toBe(saved);
	expect(members().map(m => `${m.Member}:${m.Role}`).sort()).toEqual(before);
}

describe.skipIf(skip)('the cluster\'s life on the seed topology: removing nodes, uninstall, install again', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
	});

	test('the leader, the third etcd member and the repository host are refused, with nothing changed', async () => {
		await expectRefused(leaderName(), /leads; run with --switchover/);
		await expectRefused('etcd1', /etcd1 is one of 3 etcd members; 2 would remain/);
		await expectRefused('pgbackrestRepo', /keeps the pgBackRest repository/);
		expect(etcdMembers('etcd1')).toEqual(['etcd1', 'etcd2', 'etcd3']);
	});

	test('remove-node of a balancer: the VIP stays served by the other one, verify passes, repair --check is clean; the last balancer is refused', async () => {
		const holder = vipHolder();
		expect(holder).toBeDefined();
		// The one that holds the VIP: the VIP has to move before it goes.
		const run = await pgha(['remove-node', holder!, '--cluster', cluster(), '--yes'], env);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toContain(`pgha: ${holder} left cluster "${cluster()}"`);
		answers.hosts = answers.hosts.filter(h => h.name !== holder);
		const other = answers.hosts.find(h => h.roles.includes('balancer'))!.name;
		expect(vipHolder()).toBe(other);
		expect(sqlViaVip(answers, 5000, `create table if not exists life (n int); insert into life values (1); select count(*) from life`, pgpass).ok).toBe(true);
		expect(onHost(answers, 'postgres1', `grep -c ${holder} /etc/patroni/config.yml || true`).trim()).toBe('0');
		await expectWhole(cluster());
		await expectRefused(other, /is the last balancer; nothing else could hold the VIP/);
	});

	test('uninstall --wipe-data --wipe-backups takes everything away; install on the same hosts with a fourth etcd member works, and that member is removed again', async () => {
		const refused = await pgha(['uninstall', '--cluster', cluster(), '--yes', '--confirm', 'not-the-name'], env);
		expect(refused.code).toBe(2);
		expect(members().length).toBeGreaterThan(0);

		const started = Date.now();
		const run = await pgha(['uninstall', '--cluster', cluster(), '--wipe-data', '--wipe-backups', '--yes', '--confirm', cluster()], env);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		console.log(`uninstall --wipe-data --wipe-backups: ${((Date.now() - started) / 1000).toFixed(1)} s`);
		expect(run.stdout).toContain(`pgha: cluster "${cluster()}" uninstalled from`);
		for (const host of answers.hosts) {
			const units = onHost(answers, host.name, 'for u in etcd patroni postgresql pgbouncer haproxy keepalived; do systemctl is-active $u || true; done').trim().split('\n');
			expect(units.every(state => state !== 'active'), `${host.name}: ${units.join(' ')}`).toBe(true);
		}
		expect(onHost(answers, 'postgres1', 'ls -A /data/patroni 2>/dev/null | wc -l').trim()).toBe('0');
		expect(vipHolder()).toBeUndefined();
		expect(sqlViaVip(answers, 5000, 'select 1', pgpass).ok).toBe(false);

		// The same hosts, the removed balancer back, and a fourth etcd member on a new host.
		const added = await pgha(['lab', 'add', 'etcd4'], env);
		expect(added.code, added.stderr).toBe(0);
		const ip = added.stdout.match(/10\.131\.0\.\d+/)![0];
		const file = join(seedWork, 'answers-four-etcd.yaml');
		const next = YAML.parse(readFileSync(seedAnswersFile, 'utf8')) as LabAnswers;
		next.hosts.push({name: 'etcd4', ip, roles: ['etcd']});
		// Installed again from Debian's point release alone, pinned to it: the upgrade test below moves it to the security archive's versions.
		const older = await pointReleaseBundle(next.packages!.bundle!);
		next.packages = {source: 'bundle', bundle: older.file, versions: older.pins};
		writeFileSync(file, YAML.stringify(next), {mode: 0o600});
		const install = await pgha(['install', '--answers', file, '--yes'], env);
		expect(install.code, install.stdout + install.stderr).toBe(0);
		answers = readAnswers(file);
		expect(etcdMembers('etcd1')).toEqual(['etcd1', 'etcd2', 'etcd3', 'etcd4']);
		expect(sqlViaVip(answers, 5000, 'select count(*) from life', pgpass).out).toMatch(/does not exist/);
		expect(sqlViaVip(answers, 5000, 'create table life (n int); insert into life values (2); select count(*) from life', pgpass).out.split('\n').at(-1)).toBe('1');

		const remove = await pgha(['remove-node', 'etcd4', '--cluster', cluster(), '--yes'], env);
		expect(remove.code, remove.stdout + remove.stderr).toBe(0);
		answers.hosts = answers.hosts.filter(h => h.name !== 'etcd4');
		expect(etcdMembers('etcd1')).toEqual(['etcd1', 'etcd2', 'etcd3']);
		expect(onHost(answers, 'postgres1', 'grep -c "' + ip + ':" /etc/patroni/config.yml || true').trim()).toBe('0');
		await until('the reads through VIP:5001 to answer', () => sqlViaVip(answers, 5001, 'select count(*) from life', pgpass).out === '1', 60_000, 500);
		await expectWhole(cluster());
	});

	test('upgrade from the point release to the security archive\'s versions: a long transaction refuses it; then replicas, a switchover, the leader and the balancers move one at a time, no acknowledged write lost; a re-run has nothing to do', async () => {
		const newer = seedAnswersBundle();
		const older = await pointReleaseBundle(newer);
		const server = (name: string) => onHost(answers, name, `cd / && runuser -u postgres -- psql -XAtc 'select version()'`).trim();
		const installed = (name: string, pkg: string) => onHost(answers, name, `dpkg-query -W -f='\${Version}' ${pkg}`).trim();
		for (const m of members()) expect(server(m.Member)).toContain(`(Debian ${older.pins['postgresql-15']})`);
		const ca = clusterCa(env.PGHA_HOME, cluster());

		// A transaction open longer than the limit on the leader: refused, nothing changed.
		const open = await holdTransaction(answers, ca);
		try {
			await new Promise(resolve => setTimeout(resolve, 2_500));
			const refused = await pgha(['upgrade', '--cluster', cluster(), '--bundle', newer, '--max-transaction-age', '1', '--yes'], env);
			expect(refused.code, refused.stdout + refused.stderr).toBe(1);
			expect(refused.stderr).toMatch(/upgrade refused, nothing was changed:\n.*a transaction of \S+ on database \S+ \(pid \d+\) has been open \d+ s, longer than 1 s/);
			expect(installed('postgres1', 'postgresql-15')).toBe(older.pins['postgresql-15']);
		} finally {
			await open.end();
		}

		const plan = await pgha(['upgrade', '--cluster', cluster(), '--bundle', newer, '--dry-run'], env);
		expect(plan.code, plan.stdout + plan.stderr).toBe(0);
		const target = older.newer;
		expect(plan.stdout).toContain(`postgresql-15 ${older.pins['postgresql-15']} -> ${target['postgresql-15']}`);
		// What apt moves with them is listed under each host: libpq5 comes from the same source as the server.
		expect(plan.stdout).toMatch(/\(leads\)[^\n]*\n {5}with what they depend on: [^\n]*libpq5 \S+ -> \S+[^\n]*\n {5}a switchover to a healthy replica first/);

		const load = await startVipWriters(answers, ca, 'e2e_upgrade', 3);
		let record: WriterRecord = {commits: [], failures: []};
		let run: Awaited<ReturnType<typeof pgha>> | undefined;
		const started = Date.now();
		try {
			await until('the writers to commit', () => load.lastAck() > 0, 30_000, 100);
			run = await pgha(['upgrade', '--cluster', cluster(), '--bundle', newer, '--yes'], env);
			await new Promise(resolve => setTimeout(resolve, 1_000));
		} finally {
			record = await load.stop();
		}
		expect(run!.code, run!.stdout + run!.stderr).toBe(0);
		const gap = longestGap(record, started);
		console.log(`upgrade: ${((Date.now() - started) / 1000).toFixed(1)} s; ${run!.stdout.match(/upgrade: writes through .*/)?.[0] ?? ''}; the test's writers: longest pause ${(gap.ms / 1000).toFixed(1)} s, ${record.failures.length} failed statement(s)`);
		expect(run!.stdout).toMatch(/upgrade: writes through \S+:5000 during the upgrade: the longest pause [\d.]+ s, \d+ statement\(s\) failed, no acknowledged write lost/);
		expect(await lostRows(answers, ca, 'e2e_upgrade', record)).toBe(0);
		await viaVip(answers, ca, 'drop table e2e_upgrade');

		for (const m of members()) expect(server(m.Member), m.Member).toContain(`(Debian ${target['postgresql-15']})`);
		for (const host of answers.hosts) for (const pkg of Object.keys(target).filter(p => hostHas(host.name, p))) expect(installed(host.name, pkg), `${host.name} ${pkg}`).toBe(target[pkg]);
		const saved = JSON.parse(readFileSync(savedFile(), 'utf8')) as {answers: {packages: {versions: Record<string, string>; bundle: string}}};
		expect(saved.answers.packages.bundle).toBe(newer);
		for (const [pkg, version] of Object.entries(target)) expect(saved.answers.packages.versions[pkg], pkg).toBe(version);
		await expectWhole(cluster());

		const again = await pgha(['upgrade', '--cluster', cluster(), '--yes'], env);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(again.stdout).toContain('nothing to upgrade');
	});
});

/** The bundle the seed cluster was first installed from: the lab's, with the security archive's updates. */
function seedAnswersBundle(): string {
	return (YAML.parse(readFileSync(seedAnswersFile, 'utf8')) as LabAnswers).packages!.bundle!;
}

/** True when dpkg knows the package on the host. */
function hostHas(host: string, pkg: string): boolean {
	return onHost(answers, host, `dpkg-query -W -f='\${db:Status-Abbrev}' ${pkg} 2>/dev/null || true`).startsWith('ii');
}

/** A transaction held open on the leader through VIP:5000 until end() is called. */
async function holdTransaction(lab: LabAnswers, ca: string): Promise<{end: () => Promise<void>}> {
	const pg = (await import('pg')).default;
	const client = new pg.Client({host: lab.network.vip, port: 5000, user: lab.database?.owner ?? 'aplicacion', password: lab.passwords['app'], database: lab.database?.name ?? 'aplicacion', ssl: {ca, rejectUnauthorized: true}});
	client.on('error', () => undefined);
	await client.connect();
	await client.query('begin');
	await client.query('select txid_current()');
	return {end: async () => void (await client.query('rollback').catch(() => undefined), await client.end().catch(() => undefined))};
}

import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import YAML from 'yaml';
import {labUnavailable, onHost, pgha, readAnswers, sqlViaVip, until, type CliResult} from './helpers.js';
import {labStatus} from './lab-owner.js';
import {secretsOf, watched} from './process-watch.js';
import {seedAnswersFile as answersFile, seedEnv as env, seedLab, seedPgpass as pgpass, seedWork} from './seed-cluster.js';

// One seed-topology lab (9 hosts) shared by every test in this file, in order:
// an install interrupted by a host going down, the re-run that finishes it,
// a no-op re-run, then the failover and VIP drills against live data. A drill
// that powers a host off or stops a service puts it back in `finally`, so a
// failed drill does not leave the next tests a broken cluster. Every install
// runs with the hosts' process lists watched for the passwords.
const skip = labUnavailable();
const readAnswersRaw = (file: string) => YAML.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
let answers: ReturnType<typeof readAnswers>;

const hostOf = (role: string) => answers.hosts.filter(h => h.roles.includes(role)).map(h => h.name);
const leader = () => {
	const list = JSON.parse(onHost(answers, hostOf('postgres').find(n => isUp(n))!, 'patronictl -c /etc/patroni/config.yml list -f json')) as Array<{Member: string; Role: string; State: string}>;
	return list;
};
const down = new Set<string>();
const isUp = (name: string) => !down.has(name);
const vipHolder = () => hostOf('balancer').find(b => onHost(answers, b, 'ip -o -4 addr show').includes(` ${answers.network.vip}/`));
const startTimes = () =>
	Object.fromEntries(
		answers.hosts.map(h => [
			h.name,
			onHost(answers, h.name, 'for u in etcd patroni pgbouncer haproxy keepalived; do systemctl show -p ActiveEnterTimestampMonotonic --value $u 2>/dev/null || true; done').trim(),
		]),
	);

describe.skipIf(skip)('install on the seed topology', () => {
	beforeAll(async () => {
		// A fresh lab: this file starts from hosts pgha has never touched.
		answers = await seedLab({installed: false, fresh: true});
	});

	test('the hosts have no package source at all, and a bundle with one altered package is refused naming it, before any host changes', async () => {
		const status = await labStatus();
		if (!status.exists) throw new Error('no lab');
		expect(status.packages.source).toBe('bundle');
		expect(status.packageCache.alive).toBe(false);
		const bundle = (readAnswersRaw(answersFile)['packages'] as {bundle?: string} | undefined)?.bundle;
		expect(bundle, 'the lab answers install from the lab bundle').toBe(status.packages.source === 'bundle' ? status.packages.bundle : undefined);
		for (const host of answers.hosts) {
			// No route beyond the lab subnet, no archive apt knows of, and nothing at the bridge where a cache would be.
			expect(onHost(answers, host.name, 'ip -4 route').trim(), host.name).not.toMatch(/default/);
			expect(onHost(answers, host.name, 'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v "^#" | grep -c . || true').trim(), host.name).toBe('0');
		}
		expect(onHost(answers, answers.hosts[0]!.name, `timeout 3 bash -c 'exec 3<>/dev/tcp/10.131.0.254/3142' 2>&1; echo "exit=$?"`)).not.toContain('exit=0');

		// The lab bundle with one .deb changed by a byte: refused on this machine, naming the package, with exit 2.
		const dir = mkdtempSync(join(seedWork, 'corrupt-'));
		execFileSync('tar', ['-x', '-f', bundle!, '-C', dir]);
		const manifest = JSON.parse(readFileSync(join(dir, 'pgha-bundle', 'manifest.json'), 'utf8')) as {packages: Array<{name: string; version: string; file: string}>};
		const victim = manifest.packages.find(p => p.name === 'pgbouncer')!;
		const file = join(dir, 'pgha-bundle', 'debs', victim.file);
		const bytes = readFileSync(file);
		bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
		writeFileSync(file, bytes);
		const corrupt = join(seedWork, 'corrupt-bundle.tar');
		execFileSync('tar', ['-c', '-f', corrupt, '-C', dir, 'pgha-bundle']);
		rmSync(dir, {recursive: true, force: true});
		const run = await pgha(['install', '--answers', answersFile, '--bundle', corrupt, '--yes'], env);
		expect(run.code, run.stdout + run.stderr).toBe(2);
		expect(run.stderr).toContain(`pgbouncer ${victim.version}`);
		expect(run.stderr).toMatch(/corrupt/);
		expect(run.stderr).toContain('no host was changed');
		for (const host of answers.hosts) expect(onHost(answers, host.name, 'ls /etc/pgha/cluster /var/lib/pgha/bundle 2>&1; dpkg -l pgbouncer 2>&1 | tail -1'), host.name).toMatch(/No such file[\s\S]*No such file[\s\S]*(no packages found|un  pgbouncer)/);
		expect(existsSync(join(env.PGHA_HOME, 'clusters', `${answers.cluster.name}.json`))).toBe(false);
	});

	test('preflight refuses, before changing anything: a VIP that answers, foreign data, an unsupported OS, wrong credentials', async () => {
		const [etcdA, etcdB, etcdC] = hostOf('etcd');
		onHost(answers, etcdA!, `ip addr add ${answers.network.vip}/24 dev eth0`);
		onHost(answers, etcdB!, 'mkdir -p /var/lib/etcd/member');
		onHost(answers, etcdC!, `mv /etc/os-release /root/os-release.link && sed 's/^VERSION_ID=.*/VERSION_ID="11"/' /usr/lib/os-release > /etc/os-release`);
		try {
			const run = await pgha(['install', '--answers', answersFile, '--yes'], env);
			expect(run.code).toBe(1);
			expect(run.stdout).toContain(`VIP ${answers.network.vip} already answers`);
			expect(run.stdout).toMatch(new RegExp(`^${etcdB}: .*already holds data that does not belong to cluster`, 'm'));
			expect(run.stdout).toMatch(new RegExp(`^${etcdC}: .*runs debian 11; pgha supports Debian 12`, 'm'));
			expect(run.stderr).toContain('phase preflight');
		} finally {
			onHost(answers, etcdA!, `ip addr del ${answers.network.vip}/24 dev eth0`);
			onHost(answers, etcdB!, 'rm -rf /var/lib/etcd/member');
			onHost(answers, etcdC!, 'rm /etc/os-release && mv /root/os-release.link /etc/os-release');
		}
		const wrongUser = join(seedWork, 'wrong-user.yaml');
		writeFileSync(wrongUser, readFileSync(answersFile, 'utf8').replace(/user: root/, 'user: nobody'), {mode: 0o600});
		const denied = await pgha(['install', '--answers', wrongUser, '--yes'], env);
		expect(denied.code).toBe(1);
		expect(denied.stdout).toMatch(/SSH login as nobody was refused; check ssh\.user/);
		for (const host of answers.hosts) expect(onHost(answers, host.name, 'ls /etc/pgha/cluster /etc/patroni 2>&1 || true'), host.name).toMatch(/No such file/);
	});

	test('a host lost during the packages phase fails the install naming the host, the step, the command and the log path', async () => {
		let stopping: Promise<CliResult> | undefined;
		const victim = hostOf('balancer')[1]!;
		try {
			const run = await watched(
				answers,
				secretsOf(answers),
				() =>
					pgha(['install', '--answers', answersFile, '--yes'], {...env, PGHA_VERBOSE: '1'}, line => {
						if (!stopping && line.startsWith(`${victim}: packages `)) stopping = pgha(['lab', 'stop', victim], env);
					}),
				answers.hosts.map(h => h.name).filter(name => name !== victim),
			);
			expect(stopping, `no "${victim}: packages" line was printed`).toBeDefined();
			expect((await stopping!).code).toBe(0);
			expect(run.code, run.stdout + run.stderr).toBe(1);
			// stderr names where it stopped and the log; stdout the step's failure and the command it ran.
			const where = new RegExp(`pgha: install failed on ${victim} at "(packages [^"]+)" \\(phase packages\\)`).exec(run.stderr);
			expect(where, run.stderr).not.toBeNull();
			const step = where![1]!;
			const log = /Full log: (\S+\.log)/.exec(run.stderr)?.[1];
			expect(log, run.stderr).toBeDefined();
			expect(log!.startsWith(join(env.PGHA_HOME, 'logs'))).toBe(true);
			expect(existsSync(log!)).toBe(true);
			expect(run.stdout).toContain(`${victim}: ${step}: FAILED: `);
			expect(run.stdout).toMatch(new RegExp(`^${victim}:   command: \\S`, 'm'));
			expect(readFileSync(log!, 'utf8')).toContain(`${victim}: ${step}: FAILED: `);
		} finally {
			// Whatever failed above, the host is powered on again for the tests that follow.
			if (stopping) {
				await stopping;
				const start = await pgha(['lab', 'start', victim], env);
				expect(start.code, start.stderr).toBe(0);
			}
		}
	});

	test('a re-run finishes the install and verify passes', async () => {
		const run = await watched(answers, secretsOf(answers), () => pgha(['install', '--answers', answersFile, '--yes'], env));
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).not.toMatch(/^FAIL /m);
		// Archiving is proven by pgbackrest check, or by the archiver's record when this run's own full backup already waited for its WAL.
		for (const check of ['etcd healthy', 'one leader', 'write through', 'PgBouncer pool mode transaction', 'HAProxy', '(pgBackRest check|WAL archiving works)', 'full backup', 'schedule'])
			expect(run.stdout).toMatch(new RegExp(`^PASS .*${check}`, 'm'));
		const verify = await pgha(['verify', '--cluster', answers.cluster.name], env);
		expect(verify.code, verify.stdout + verify.stderr).toBe(0);
	});

	test('a second install changes nothing and restarts nothing', async () => {
		const before = startTimes();
		const run = await watched(answers, secretsOf(answers), () => pgha(['install', '--answers', answersFile, '--yes'], env));
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toMatch(/finished: 0 changed, \d+ already in place/);
		expect(run.stdout).not.toMatch(/: changed$/m);
		expect(startTimes()).toEqual(before);
	});

	test('the installed versions are pinned with the cluster; a package downgraded by hand is named by repair --check and put back by repair', async () => {
		const bundle = (readAnswersRaw(answersFile)['packages'] as {bundle: string}).bundle;
		const manifest = JSON.parse(execFileSync('tar', ['-x', '-O', '-f', bundle, 'pgha-bundle/manifest.json'], {encoding: 'utf8'})) as {packages: Array<{name: string; version: string; file: string}>};
		const saved = JSON.parse(readFileSync(join(env.PGHA_HOME, 'clusters', `${answers.cluster.name}.json`), 'utf8')) as {answers: {packages?: {versions?: Record<string, string>}}};
		const pins = saved.answers.packages?.versions ?? {};
		for (const name of ['etcd-server', 'patroni', 'postgresql-15', 'pgbouncer', 'pgbackrest', 'haproxy', 'keepalived', 'socat'])
			expect(pins[name], name).toBe(manifest.packages.find(p => p.name === name)?.version);

		// An older socat, made on the host from the bundle's own package with a lower version, installed by hand.
		const socat = manifest.packages.find(p => p.name === 'socat')!;
		const host = hostOf('balancer')[0]!;
		const deb = execFileSync('tar', ['-x', '-O', '-f', bundle, `pgha-bundle/debs/${socat.file}`]);
		onHost(answers, host, 'base64 -d > /tmp/socat.deb', deb.toString('base64'));
		const older = `${socat.version}~old1`;
		onHost(answers, host, `set -e; cd /tmp; rm -rf socat-old; dpkg-deb -R socat.deb socat-old; sed -i 's/^Version: .*/Version: ${older}/' socat-old/DEBIAN/control; dpkg-deb -b socat-old socat-old.deb >/dev/null; dpkg -i socat-old.deb >/dev/null; rm -rf socat.deb socat-old socat-old.deb`);
		expect(onHost(answers, host, "dpkg-query -W -f='${Version}' socat")).toBe(older);

		const check = await pgha(['repair', '--cluster', answers.cluster.name, '--check'], env);
		expect(check.code, check.stdout + check.stderr).toBe(3);
		expect(check.stdout).toContain(`socat: ${older} installed, pinned ${socat.version}`);
		const repair = await pgha(['repair', '--cluster', answers.cluster.name], env);
		expect(repair.code, repair.stdout + repair.stderr).toBe(0);
		expect(onHost(answers, host, "dpkg-query -W -f='${Version}' socat")).toBe(socat.version);
		const clean = await pgha(['repair', '--cluster', answers.cluster.name, '--check'], env);
		expect(clean.code, clean.stdout + clean.stderr).toBe(0);
	});

	test('no password appears in the run logs of these installs', async () => {
		// The process lists were watched during each install; secrets.test.ts searches every log of the run at the end.
		const logs = readdirSync(join(env.PGHA_HOME, 'logs')).map(f => readFileSync(join(env.PGHA_HOME, 'logs', f), 'utf8')).join('\n');
		expect(logs.length).toBeGreaterThan(1000);
		for (const [key, secret] of Object.entries(answers.passwords)) expect(logs.includes(secret), `password ${key} in a log`).toBe(false);
	});

	test('failover: the leader host stops, writes resume through VIP:5000 on a new leader, the old node returns as a replica', async () => {
		expect(sqlViaVip(answers, 5000, 'create table if not exists drill (id int primary key, note text)', pgpass).ok).toBe(true);
		for (let i = 1; i <= 100; i++) expect(sqlViaVip(answers, 5000, `insert into drill values (${i}, 'before failover') on conflict do nothing`, pgpass).ok).toBe(true);
		const old = leader().find(m => m.Role === 'Leader')!.Member;
		try {
			down.add(old);
			const stop = await pgha(['lab', 'stop', old], env);
			expect(stop.code, stop.stderr).toBe(0);
			const ms = await until('a write through VIP:5000 after failover', () => sqlViaVip(answers, 5000, `insert into drill values (1001, 'after failover') on conflict do nothing`, pgpass).ok, 180_000);
			console.log(`failover: writes through VIP:5000 resumed after ${(ms / 1000).toFixed(1)} s`);
			const now = leader().find(m => m.Role === 'Leader')!.Member;
			expect(now).not.toBe(old);
		} finally {
			// The old leader is powered on again even when the failover failed.
			const start = await pgha(['lab', 'start', old], env);
			expect(start.code, start.stderr).toBe(0);
			down.delete(old);
		}
		await until(`${old} to run as a replica`, () => leader().some(m => m.Member === old && m.Role !== 'Leader' && ['running', 'streaming'].includes(m.State)), 240_000, 2_000);
		const primary = leader().find(m => m.Role === 'Leader')!.Member;
		await until(`${old} to stream from ${primary}`, () => onHost(answers, primary, `cd / && runuser -u postgres -- psql -XAtc "select state from pg_stat_replication where application_name = '${old}'"`).trim() === 'streaming', 120_000, 2_000);
	});

	test('VIP move: HAProxy stops on the VIP holder, the VIP moves and VIP:5000 serves again', async () => {
		const holder = vipHolder()!;
		expect(holder).toBeDefined();
		onHost(answers, holder, 'systemctl stop haproxy');
		try {
			const ms = await until('the VIP to move', () => {
				const now = vipHolder();
				return now !== undefined && now !== holder && sqlViaVip(answers, 5000, 'select 1', pgpass).ok;
			}, 60_000, 250);
			console.log(`VIP move: ${answers.network.vip} served from the other balancer after ${(ms / 1000).toFixed(1)} s`);
		} finally {
			onHost(answers, holder, 'systemctl start haproxy');
		}
	});

	test('every row written before the drills is still there, on the primary and a replica', async () => {
		const primary = sqlViaVip(answers, 5000, 'select count(*) from drill', pgpass);
		expect(primary.out).toBe('101');
		await until('the replicas to have every row', () => sqlViaVip(answers, 5001, 'select count(*) from drill', pgpass).out === '101', 60_000);
		const verify = await pgha(['verify', '--cluster', answers.cluster.name], env);
		expect(verify.code, verify.stdout + verify.stderr).toBe(0);
	});
});

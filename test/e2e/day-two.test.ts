import {spawn} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {beforeAll, describe, expect, test} from 'vitest';
import {installFromLabBundle, labUnavailable, newestLog, onHost, pgha, readAnswers, sqlViaVip, sudoPassword, until} from './helpers.js';
import {secretsOf, watched} from './process-watch.js';
import {clusterCa, failuresOutside, longestGap, lostRows, startVipWriters, viaVip, type WriterRecord} from './vip-writers.js';
import {expectWhole, seedAnswersFile, seedEnv as env, seedLab, seedPgpass as pgpass, seedWork} from './seed-cluster.js';

// Day two on the installed seed lab (shared with install.test.ts when it ran
// first): a fourth PostgreSQL node under load, drift put back, status checked.
// add-replica and repair run with every host's process list watched for the
// passwords; drift made by hand is put back in `finally` if repair did not.
const skip = labUnavailable();
let answers: ReturnType<typeof readAnswers>;
const cluster = () => answers.cluster.name;
const pgbench = '/usr/lib/postgresql/15/bin/pgbench';

type Member = {Member: string; Role: string; State: string};
const members = (): Member[] => JSON.parse(onHost(answers, 'postgres3', 'patronictl -c /etc/patroni/config.yml list -f json')) as Member[];
const leaderName = () => members().find(m => m.Role === 'Leader')!.Member;
const addHost = (name: string, ip: string) => answers.hosts.push({name, ip, roles: ['postgres']});

/** pgbench through VIP:5000 in 10 s rounds until stopped; resolves with every round's output. */
function pgbenchUntil(stop: {done: boolean}): Promise<string[]> {
	const rounds: string[] = [];
	const round = () =>
		new Promise<string>(resolve => {
			const child = spawn(pgbench, ['-h', answers.network.vip, '-p', '5000', '-U', 'aplicacion', '-c', '4', '-T', '10', '-n', 'aplicacion'], {env: {...process.env, PGPASSFILE: pgpass}});
			let out = '';
			child.stdout.on('data', chunk => (out += String(chunk)));
			child.stderr.on('data', chunk => (out += String(chunk)));
			child.on('close', code => resolve(`exit ${code}\n${out}`));
		});
	return (async () => {
		while (!stop.done) rounds.push(await round());
		return rounds;
	})();
}

describe.skipIf(skip)('day two on the seed topology', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
	});

	test('add-replica: a fourth node joins under pgbench load, streams, and serves reads through VIP:5001', async () => {
		const init = spawn(pgbench, ['-i', '-s', '2', '-h', answers.network.vip, '-p', '5000', '-U', 'aplicacion', 'aplicacion'], {env: {...process.env, PGPASSFILE: pgpass}});
		expect(await new Promise(resolve => init.on('close', resolve))).toBe(0);
		const added = await pgha(['lab', 'add', 'postgres4'], env);
		expect(added.code, added.stderr).toBe(0);
		const ip = added.stdout.match(/10\.131\.0\.\d+/)![0];
		addHost('postgres4', ip);
		const stop = {done: false};
		const load = pgbenchUntil(stop);
		const started = Date.now();
		const run = await watched(answers, secretsOf(answers), () => pgha(['add-replica', '--cluster', cluster(), '--name', 'postgres4', '--ip', ip, '--yes'], env)).finally(() => {
			stop.done = true;
		});
		console.log(`add-replica: ${((Date.now() - started) / 1000).toFixed(1)} s`);
		const rounds = await load;
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(rounds.length).toBeGreaterThan(0);
		for (const round of rounds) {
			expect(round).toMatch(/^exit 0/);
			expect(round).toMatch(/number of failed transactions: 0 /);
		}
		const leader = leaderName();
		await until('postgres4 to stream with no lag', () => {
			const row = onHost(answers, leader, `cd / && runuser -u postgres -- psql -XAtc "select state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) from pg_stat_replication where application_name = 'postgres4'"`).trim();
			return row === 'streaming|0';
		}, 120_000, 2_000);
		for (const balancer of answers.hosts.filter(h => h.roles.includes('balancer')).map(h => h.name)) {
			const csv = onHost(answers, balancer, "echo 'show stat' | socat -t 2 stdio unix-connect:/run/haproxy/admin.sock");
			expect(csv, balancer).toMatch(/^replicas,postgres4,/m);
		}
		await until('a read through VIP:5001 to reach postgres4', () => sqlViaVip(answers, 5001, 'show listen_addresses', pgpass).out.includes(ip), 60_000, 200);
		// The answer file from before the addition no longer describes the cluster: it is refused, not applied.
		const stale = await pgha(['install', '--answers', seedAnswersFile, '--yes'], env);
		expect(stale.code).toBe(1);
		expect(stale.stdout).toContain('Patroni has member(s) postgres4 that these answers do not list; nothing was changed');
	});

	test('drift is found, named, put back, and then gone; the leader stays and no row is lost', async () => {
		const leader = leaderName();
		const rows = sqlViaVip(answers, 5000, 'select count(*) from pgbench_accounts', pgpass).out;
		const repo = answers.hosts.find(h => h.roles.includes('backup'))!.name;
		const replica = members().find(m => m.Role !== 'Leader' && m.Member !== 'postgres4')!.Member;
		const cron = `/etc/cron.d/pgha-${cluster()}`;
		// What the drift replaces, to put back by hand should repair not do it.
		const saved = {haproxy: onHost(answers, 'haproxy1', 'cat /etc/haproxy/haproxy.cfg'), sysctl: onHost(answers, 'haproxy1', 'cat /etc/sysctl.d/90-pgha.conf'), patroni: onHost(answers, 'postgres4', 'cat /etc/patroni/config.yml'), cron: onHost(answers, repo, `cat ${cron}`)};
		let repaired = false;
		try {
			onHost(answers, 'haproxy1', "echo '# edited by hand' >> /etc/haproxy/haproxy.cfg");
			onHost(answers, 'haproxy1', "echo '# edited by hand' >> /etc/sysctl.d/90-pgha.conf");
			onHost(answers, replica, 'systemctl stop pgbouncer');
			onHost(answers, 'postgres4', "sed -i 's/^    password_encryption: scram-sha-256/    password_encryption: md5/' /etc/patroni/config.yml");
			onHost(answers, repo, `rm ${cron}`);
			onHost(answers, 'etcd3', 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q etcd-client');
			await checkAndRepair(replica, repo);
			repaired = true;
		} finally {
			if (!repaired) {
				const undo: Array<[string, string, string?]> = [
					['haproxy1', 'cat > /etc/haproxy/haproxy.cfg', saved.haproxy],
					['haproxy1', 'cat > /etc/sysctl.d/90-pgha.conf', saved.sysctl],
					[replica, 'systemctl start pgbouncer'],
					['postgres4', 'cat > /etc/patroni/config.yml', saved.patroni],
					[repo, `cat > ${cron}`, saved.cron],
				];
				const failed: string[] = [];
				for (const [host, command, input] of undo)
					try {
						onHost(answers, host, command, input);
					} catch (error) {
						failed.push(String(error));
					}
				try {
					installFromLabBundle(answers, answers.hosts.find(h => h.name === 'etcd3')!.ip, ['etcd-client']);
				} catch (error) {
					failed.push(String(error));
				}
				if (failed.length > 0) console.error(`putting the drift back by hand failed:\n${failed.join('\n')}`);
			}
		}
		expect(leaderName()).toBe(leader);
		expect(sqlViaVip(answers, 5000, 'select count(*) from pgbench_accounts', pgpass).out).toBe(rows);
	});

	/** repair --check names every drift, repair puts it back (processes watched), and a second check finds none. */
	async function checkAndRepair(replica: string, repo: string): Promise<void> {
		const check = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(check.code, check.stdout + check.stderr).toBe(3);
		expect(check.stdout).toMatch(/^haproxy1: DRIFT file \/etc\/haproxy\/haproxy\.cfg/m);
		// haproxy.cfg holds the stats password: drift is named without a diff; a plain file shows its diff.
		expect(check.stdout).toMatch(/^haproxy1: +\/etc\/haproxy\/haproxy\.cfg differs \(it holds secrets, so no diff is shown\)/m);
		expect(check.stdout).not.toMatch(/^haproxy1: .*[-+]\tstats auth/m);
		expect(check.stdout).toMatch(/^haproxy1: DRIFT file \/etc\/sysctl\.d\/90-pgha\.conf/m);
		expect(check.stdout).toMatch(/^haproxy1: .*\+# edited by hand|^haproxy1: .*-# edited by hand/m);
		expect(check.stdout).toMatch(new RegExp(`^${replica}: DRIFT service pgbouncer`, 'm'));
		expect(check.stdout).toMatch(/^postgres4: DRIFT file \/etc\/patroni\/config\.yml/m);
		expect(check.stdout).toMatch(new RegExp(`^${repo}: DRIFT file /etc/cron.d/pgha-${cluster()}`, 'm'));
		expect(check.stdout).toMatch(/^etcd3: DRIFT packages /m);
		expect(check.stdout).toMatch(/^etcd3: +etcd-client: not installed \(pinned \S+\)$/m);
		for (const secret of Object.values(answers.passwords)) expect(check.stdout).not.toContain(secret);

		const fix = await watched(answers, secretsOf(answers), () => pgha(['repair', '--cluster', cluster()], env));
		expect(fix.code, fix.stdout + fix.stderr).toBe(0);
		const again = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(again.code, again.stdout).toBe(0);
		expect(again.stdout).toContain('pgha: no drift.');
	}

	test('repair on a healthy cluster changes nothing and restarts nothing', async () => {
		const startTimes = () => answers.hosts.map(h => onHost(answers, h.name, 'for u in etcd patroni pgbouncer haproxy keepalived; do systemctl show -p ActiveEnterTimestampMonotonic --value $u; done').trim());
		const before = startTimes();
		const run = await watched(answers, secretsOf(answers), () => pgha(['repair', '--cluster', cluster()], env));
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toContain('pgha: repaired: 0 change(s)');
		expect(startTimes()).toEqual(before);
	});

	test('status --json matches what the hosts report', async () => {
		const run = await pgha(['status', '--json', '--cluster', cluster()], env);
		expect(run.code, run.stderr).toBe(0);
		const status = JSON.parse(run.stdout) as {
			postgres: Array<{member: string; role: string; state: string}>;
			etcd: Array<{healthy: boolean}>;
			vip: {holder?: string};
			haproxy: Array<{listener: string; server: string; status: string}>;
			backups?: {full?: {label: string}};
			hosts: Array<{reachable: boolean}>;
		};
		expect(status.hosts.every(h => h.reachable)).toBe(true);
		expect(status.postgres.find(m => m.role === 'Leader')?.member).toBe(leaderName());
		expect(status.postgres.map(m => m.member).sort()).toEqual(['postgres1', 'postgres2', 'postgres3', 'postgres4']);
		expect(status.etcd.filter(e => e.healthy)).toHaveLength(3);
		const holder = answers.hosts.filter(h => h.roles.includes('balancer')).find(h => onHost(answers, h.name, 'ip -o -4 addr show').includes(` ${answers.network.vip}/`))!.name;
		expect(status.vip.holder).toBe(holder);
		expect(status.haproxy.filter(b => b.listener === 'primary' && b.status.startsWith('UP')).map(b => b.server)).toContain(leaderName());
		const info = JSON.parse(onHost(answers, answers.hosts.find(h => h.roles.includes('backup'))!.name, `runuser -u postgres -- pgbackrest --stanza=${cluster()} info --output=json`)) as Array<{backup: Array<{label: string; type: string}>}>;
		expect(status.backups?.full?.label).toBe(info[0]!.backup.filter(b => b.type === 'full').at(-1)!.label);
	});
	test('shared_buffers changed with config set: install restarts the replicas one at a time, then the leader after a switchover; writers through VIP:5000 fail only inside its pause; a re-run restarts nothing', async () => {
		const set = await pgha(['config', 'set', 'postgresql.parameters.shared_buffers', '256MB', '--cluster', cluster()], env);
		expect(set.code, set.stdout + set.stderr).toBe(0);
		expect(set.stdout).toContain('shared_buffers needs a restart');
		const before = leaderName();
		const replicas = members().filter(m => m.Member !== before).map(m => m.Member);
		const ca = clusterCa(env.PGHA_HOME, cluster());
		const load = await startVipWriters(answers, ca, 'e2e_rolling', 4);
		let run: Awaited<ReturnType<typeof pgha>> | undefined;
		let record: WriterRecord = {commits: [], failures: []};
		try {
			await until('the writers to commit', () => load.lastAck() > 0, 30_000, 100);
			run = await pgha(['install', '--cluster', cluster(), '--yes'], env);
			await new Promise(resolve => setTimeout(resolve, 2_000));
		} finally {
			record = await load.stop();
		}
		expect(run!.code, run!.stdout + run!.stderr).toBe(0);
		// The order, from the run's own log: each replica alone, then the switchover, then the former leader.
		const log = newestLog(env.PGHA_HOME);
		const restarted = [...log.matchAll(/restart: (\S+) \(replica\) restarting/g)].map(m => m[1]);
		expect(restarted.slice(0, replicas.length).sort()).toEqual([...replicas].sort());
		const switchoverAt = log.indexOf(`restart: switchover ${before} -> `);
		expect(switchoverAt).toBeGreaterThan(log.lastIndexOf(`restart: ${restarted[replicas.length - 1]} took`));
		for (const name of replicas) expect(log.indexOf(`restart: ${name} took`)).toBeLessThan(switchoverAt);
		const pause = Number(log.match(/the switchover paused writes through \S+ for ([\d.]+) s/)![1]);
		const gap = longestGap(record);
		console.log(`rolling restart: the switchover paused writes ${pause} s by pgha's measure, ${(gap.ms / 1000).toFixed(1)} s by the test's writers; ${record.failures.length} failed statement(s)`);
		expect(failuresOutside(record, gap)).toEqual([]);
		expect(await lostRows(answers, ca, 'e2e_rolling', record)).toBe(0);
		await viaVip(answers, ca, 'drop table e2e_rolling');
		for (const m of members()) expect(onHost(answers, m.Member, `cd / && runuser -u postgres -- psql -XAtc 'show shared_buffers'`).trim(), m.Member).toBe('256MB');
		expect(members().filter(m => m.Role === 'Leader').map(m => m.Member)).not.toEqual([before]);

		const started = () => members().map(m => onHost(answers, m.Member, `cd / && runuser -u postgres -- psql -XAtc 'select pg_postmaster_start_time()'`).trim());
		const times = started();
		const again = await pgha(['install', '--cluster', cluster(), '--yes'], env);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(again.stdout).not.toMatch(/PostgreSQL restarted .*: changed/);
		expect(started()).toEqual(times);
	});

	test('remove-node of a replica: postgres4 leaves under pgbench load, its services stop and its data stays, verify passes and repair --check is clean', async () => {
		// The rolling restart's switchover goes to the replica least behind, which may be postgres4: it is made a replica again first.
		if (leaderName() === 'postgres4') {
			const back = await pgha(['switchover', '--to', 'postgres1', '--cluster', cluster(), '--yes'], env);
			expect(back.code, back.stdout + back.stderr).toBe(0);
			await until('postgres4 to stream as a replica', () => members().some(m => m.Member === 'postgres4' && m.Role !== 'Leader' && ['running', 'streaming'].includes(m.State)), 120_000, 1_000);
		}
		const stop = {done: false};
		const load = pgbenchUntil(stop);
		const run = await watched(answers, secretsOf(answers), () => pgha(['remove-node', 'postgres4', '--cluster', cluster(), '--yes'], env)).finally(() => {
			stop.done = true;
		});
		const rounds = await load;
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toContain(`pgha: postgres4 left cluster "${cluster()}"`);
		for (const round of rounds) expect(round).toMatch(/number of failed transactions: 0 /);
		const removed = answers.hosts.find(h => h.name === 'postgres4')!;
		expect(members().map(m => m.Member).sort()).toEqual(['postgres1', 'postgres2', 'postgres3']);
		expect(onHost(answers, leaderName(), `cd / && runuser -u postgres -- psql -XAtc "select count(*) from pg_replication_slots where slot_name = 'postgres4'"`).trim()).toBe('0');
		for (const balancer of answers.hosts.filter(h => h.roles.includes('balancer')).map(h => h.name)) {
			const csv = onHost(answers, balancer, "echo 'show stat' | socat -t 2 stdio unix-connect:/run/haproxy/admin.sock");
			expect(csv, balancer).not.toMatch(/,postgres4,/);
		}
		expect(onHost(answers, 'postgres4', 'systemctl is-enabled patroni pgbouncer || true').trim().split('\n')).toEqual(['disabled', 'disabled']);
		expect(onHost(answers, 'postgres4', 'systemctl is-active patroni || true').trim()).toBe('inactive');
		expect(Number(onHost(answers, 'postgres4', 'ls -A /data/patroni | wc -l').trim())).toBeGreaterThan(0);
		expect(onHost(answers, leaderName(), `grep -c ' ${removed.ip}/32' /etc/patroni/config.yml || true`).trim()).toBe('0');
		answers.hosts = answers.hosts.filter(h => h.name !== 'postgres4');
		await expectWhole(cluster());
	});
});

describe.skipIf(skip)('SSH access on the seed topology', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
	});

	test('a non-root user with a sudo password works; the password travels on stdin', async () => {
		for (const host of answers.hosts)
			onHost(answers, host.name, `id deploy >/dev/null 2>&1 || useradd -m -s /bin/bash deploy; install -d -o deploy -g deploy -m 700 /home/deploy/.ssh; cp /root/.ssh/authorized_keys /home/deploy/.ssh/; chown deploy /home/deploy/.ssh/authorized_keys; usermod -aG sudo deploy; chpasswd`, `deploy:${sudoPassword}\n`);
		const file = join(seedWork, 'deploy.yaml');
		const raw = YAML.parse(readFileSync(seedAnswersFile, 'utf8')) as {ssh: Record<string, unknown>};
		raw.ssh = {...raw.ssh, user: 'deploy', sudoPassword: '${DEPLOY_SUDO}'};
		writeFileSync(file, YAML.stringify(raw), {mode: 0o600});
		// The process lists are watched while pgha runs sudo on every host.
		const run = await watched(answers, secretsOf(answers, {'the sudo password': sudoPassword}), () => pgha(['status', '--json', '--answers', file], {...env, DEPLOY_SUDO: sudoPassword}));
		expect(run.code, run.stderr).toBe(0);
		const status = JSON.parse(run.stdout) as {hosts: Array<{reachable: boolean}>; postgres: unknown[]};
		expect(status.hosts.every(h => h.reachable)).toBe(true);
		expect(status.postgres.length).toBeGreaterThan(0);
	});

	test('a host key that differs from the one recorded stops pgha, showing both fingerprints', async () => {
		const file = join(seedWork, 'wrong-key.yaml');
		const raw = YAML.parse(readFileSync(seedAnswersFile, 'utf8')) as {ssh: Record<string, unknown>; hosts: Array<{name: string}>};
		const name = raw.hosts[0]!.name;
		raw.ssh = {...raw.ssh, hostKeys: {[name]: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'}};
		writeFileSync(file, YAML.stringify(raw), {mode: 0o600});
		// Beside the saved cluster, the file contradicts the key it recorded: refused before any host is contacted.
		const refused = await pgha(['verify', '--answers', file], env);
		expect(refused.code, refused.stdout + refused.stderr).toBe(2);
		expect(refused.stderr).toMatch(new RegExp(`ssh\\.hostKeys\\.${name} is SHA256:A{43} in these answers, but the saved cluster "${cluster()}" recorded SHA256:[A-Za-z0-9+/]{43} for ${name}`));
		// From a pgha home without that cluster, the host itself presents a key other than the pinned one.
		const run = await pgha(['verify', '--answers', file], {PGHA_HOME: join(seedWork, 'home-without-the-cluster')});
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`${name} (`);
		expect(run.stderr).toContain('SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
		expect(run.stderr).toMatch(/presented host key SHA256:[A-Za-z0-9+/]{43}/);
		expect(run.stderr).not.toMatch(/^\s+at /m);
	});
});

import {spawn} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {beforeAll, describe, expect, test} from 'vitest';
import {cliPath, labUnavailable, onHost, pgha, sqlViaVip, until, type CliResult, type LabAnswers} from './helpers.js';
import {secretsOf, watched} from './process-watch.js';
import {seedEnv as env, seedLab, seedWork} from './seed-cluster.js';

// Disaster recovery on the installed seed lab: a point-in-time restore after a
// dropped table, a second one to a moment on the timeline the first one left,
// and a restore of every committed row after all PostgreSQL hosts lost their
// data, interrupted half-way and finished by a re-run.
const skip = labUnavailable();
let answers: LabAnswers;
const cluster = () => answers.cluster.name;
const pgpass = join(seedWork, 'restore-pgpass');

type Member = {Member: string; Role: string; State: string; TL?: number};
/** The cluster as saved: add-replica may have grown it past the lab's answer file. */
const saved = () => (JSON.parse(readFileSync(join(env.PGHA_HOME, 'clusters', `${cluster()}.json`), 'utf8')) as {answers: {hosts: LabAnswers['hosts']}}).answers;
const postgresHosts = () => saved().hosts.filter(h => h.roles.includes('postgres'));
const members = (): Member[] => JSON.parse(onHost(answers, 'postgres1', 'patronictl -c /etc/patroni/config.yml list -f json')) as Member[];
const leader = () => members().find(m => m.Role === 'Leader')!.Member;
const sql = (query: string) => {
	const result = sqlViaVip(answers, 5000, query, pgpass);
	if (!result.ok) throw new Error(`${query}: ${result.out}`);
	return result.out;
};
const repository = () => answers.hosts.find(h => h.roles.includes('backup'))!.name;
const fullBackupsSince = (since: Date) =>
	(JSON.parse(onHost(answers, repository(), `runuser -u postgres -- pgbackrest --stanza=${cluster()} info --output=json`)) as Array<{backup: Array<{type: string; timestamp: {start: number}}>}>)[0]!.backup.filter(
		b => b.type === 'full' && b.timestamp.start * 1000 >= since.getTime() - 1000,
	);
const utc = (at: Date) => at.toISOString();
const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** After a restore: one leader, every member streaming on the leader's timeline, newer than before; writes on 5000 and reads on 5001. */
async function expectServing(timelineBefore: number): Promise<number> {
	await until('every member to stream on the new timeline', () => {
		const now = members();
		const timeline = now.find(m => m.Role === 'Leader')?.TL;
		return now.length === postgresHosts().length && now.every(m => ['running', 'streaming'].includes(m.State) && m.TL === timeline);
	}, 120_000, 1_000);
	const timeline = members().find(m => m.Role === 'Leader')!.TL!;
	expect(timeline).toBeGreaterThan(timelineBefore);
	sql('create table if not exists after_restore(i int)');
	expect(sql('insert into after_restore values (1) returning 1')).toMatch(/^1/);
	await until('a read through VIP:5001', () => sqlViaVip(answers, 5001, 'select pg_is_in_recovery()', pgpass).out === 't', 60_000, 500);
	return timeline;
}

describe.skipIf(skip)('disaster recovery on the seed topology', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
		const secrets = JSON.parse(readFileSync(join(env.PGHA_HOME, 'clusters', `${cluster()}.secrets.json`), 'utf8')) as Record<string, string>;
		writeFileSync(pgpass, `*:*:*:aplicacion:${secrets['PGHA_APP_PASSWORD']}\n`, {mode: 0o600});
	});

	test('backup verify fails, naming the problem, when a file of the latest backup was damaged, and passes on the healthy repository; status shows the drill', async () => {
		const repo = repository();
		sql('drop table if exists drill_verify; create table drill_verify(i int)');
		sql('insert into drill_verify select generate_series(1, 500)');
		// One byte of the largest data file of the latest backup flipped, the original kept to put back.
		const file = onHost(answers, repo, `ls -S /var/lib/pgbackrest/backup/${cluster()}/latest/pg_data/base/*/* | head -1`).trim();
		onHost(answers, repo, `cp -p ${file} /root/pgha-drill-original && printf '\\377' | dd of=${file} bs=1 seek=64 conv=notrunc status=none`);
		try {
			const damaged = await pgha(['backup', 'verify', '--cluster', cluster()], env);
			expect(damaged.code, damaged.stdout + damaged.stderr).toBe(1);
			expect(damaged.stdout).toContain('pgha: restore drill FAILED');
			expect(damaged.stdout + damaged.stderr).toContain(file.split('/').pop()!.replace(/\.gz$/, ''));
			const check = await pgha(['repair', '--check', '--cluster', cluster()], env);
			expect(check.code).toBe(3);
			expect(check.stdout).toMatch(/restore drill/i);
		} finally {
			onHost(answers, repo, `cp -p /root/pgha-drill-original ${file} && rm -f /root/pgha-drill-original`);
		}
		const healthy = await pgha(['backup', 'verify', '--cluster', cluster()], env);
		expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
		expect(healthy.stdout).toMatch(/pgha: restore drill PASSED on backup \d{8}-\d{6}F: restore and replay [\d.]+ s/);
		expect(healthy.stdout).toMatch(/tables compared with the leader: [1-9]\d* match, 0 differ, 0 missing/);
		const status = await pgha(['status', '--cluster', cluster()], env);
		expect(status.stdout).toMatch(/restore drill/i);
	});

	test('restore --to a time between two writes brings back the dropped table with the first rows only; then a time on the timeline it left', async () => {
		sql('drop table if exists drill_pitr; create table drill_pitr(i int primary key, phase text)');
		sql("insert into drill_pitr select g, 't1' from generate_series(1, 50) g");
		await pause(1500);
		const t15 = new Date();
		await pause(1500);
		sql("insert into drill_pitr select g, 't2' from generate_series(51, 80) g");
		await pause(1500);
		const t25 = new Date();
		await pause(1500);
		sql('drop table drill_pitr');
		const timelineBefore = members().find(m => m.Role === 'Leader')!.TL!;
		const started = new Date();

		const bad = await pgha(['restore', '--cluster', cluster(), '--to', 'yesterday at noon', '--yes'], env);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('--to: "yesterday at noon" is not a time');
		const tooEarly = await pgha(['restore', '--cluster', cluster(), '--to', '2001-01-01 00:00:00Z', '--yes'], env);
		expect(tooEarly.code).toBe(2);
		expect(tooEarly.stderr).toMatch(/the earliest point this repository can restore to is \d{4}-/);
		expect(tooEarly.stderr).toContain('nothing was changed');

		const run = await watched(answers, secretsOf(answers), () => pgha(['restore', '--cluster', cluster(), '--to', utc(t15), '--yes'], env));
		console.log(`restore --to a time: ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		// The plan came first: which backup, the WAL, what is lost, the downtime.
		expect(run.stdout).toMatch(/from backup \d{8}-\d{6}F/);
		expect(run.stdout).toContain('lost: every change committed after the target');
		expect(run.stdout).toMatch(/writes were stopped for \d+\.\d s/);
		expect(sql('select phase, count(*) from drill_pitr group by phase order by 1')).toBe('t1|50');
		const timeline = await expectServing(timelineBefore);
		expect(fullBackupsSince(started).length).toBeGreaterThan(0);
		// The restore ended with verify's checks (exit 0: every one passed), the write through the VIP among them.
		expect(run.stdout).toMatch(/^PASS write through /m);

		// T2.5 lies on the timeline the restore left: the rows of T1 and T2, and the table not yet dropped.
		const again = await pgha(['restore', '--cluster', cluster(), '--to', utc(t25), '--yes'], env);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(sql('select phase, count(*) from drill_pitr group by phase order by 1')).toBe('t1|50\nt2|30');
		await expectServing(timeline);
	});

	test('the repository host replaced by an empty one: repair brings it back and pgbackrest check passes; then every PostgreSQL host loses its data, and restore --to latest, interrupted and re-run, recovers every archived row', async () => {
		const repo = repository();
		const replaced = await pgha(['lab', 'replace', repo], env);
		expect(replaced.code, replaced.stdout + replaced.stderr).toBe(0);
		// The new machine has a new host key: pgha refuses it until told to trust it.
		const refused = await pgha(['repair', '--cluster', cluster()], env);
		expect(refused.code).not.toBe(0);
		expect(refused.stdout + refused.stderr).toContain(`pgha trust-host ${repo}`);
		expect((await pgha(['trust-host', repo, '--cluster', cluster(), '--yes'], env)).code).toBe(0);
		const repaired = await pgha(['repair', '--cluster', cluster()], env);
		expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
		// pgBackRest's own commands work there with no flags, and archiving has no gap.
		expect(onHost(answers, repo, `runuser -u postgres -- pgbackrest --stanza=${cluster()} check 2>&1`)).toContain('check command end: completed successfully');
		expect(onHost(answers, repo, `runuser -u postgres -- pgbackrest --stanza=${cluster()} info`)).toMatch(/full backup: \d{8}-\d{6}F/);

		sql('drop table if exists drill_loss; create table drill_loss(i int)');
		sql('insert into drill_loss select generate_series(1, 1000)');
		// Archived before the loss: what --to latest promises to bring back.
		const segment = onHost(answers, leader(), `cd / && runuser -u postgres -- psql -XAtc "select pg_walfile_name(pg_switch_wal())"`).trim();
		await until('the segment to be archived', () => onHost(answers, leader(), `cd / && runuser -u postgres -- psql -XAtc "select last_archived_wal from pg_stat_archiver"`).trim().slice(8) >= segment.slice(8), 60_000, 500);
		const timelineBefore = members().find(m => m.Role === 'Leader')!.TL!;
		const live = {...answers, hosts: saved().hosts};
		await Promise.all(postgresHosts().map(async h => onHost(live, h.name, 'systemctl stop patroni; rm -rf /data/patroni')));

		// pgha is killed once the leader's files are restored, half-way through the restore.
		const first = await new Promise<CliResult & {killed: boolean}>(resolve => {
			const child = spawn(process.execPath, [cliPath, 'restore', '--cluster', cluster(), '--to', 'latest', '--yes'], {env: {...process.env, CI: 'true', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
			let stdout = '';
			let stderr = '';
			let killed = false;
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				if (!killed && /pgBackRest restore of backup \S+: changed/.test(stdout)) {
					killed = true;
					child.kill('SIGKILL');
				}
			});
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('close', code => resolve({code: code ?? 1, stdout, stderr, killed}));
		});
		expect(first.killed, first.stdout + first.stderr).toBe(true);
		const install = await pgha(['install', '--cluster', cluster(), '--yes'], env);
		expect(install.code).toBe(1);
		expect(install.stdout + install.stderr).toContain(`Run \`pgha restore --cluster ${cluster()}\` to finish it`);

		const finish = await pgha(['restore', '--cluster', cluster(), '--yes'], env);
		expect(finish.code, finish.stdout + finish.stderr).toBe(0);
		expect(finish.stdout).toContain('restore: finishing the restore');
		expect(sql('select count(*) from drill_loss')).toBe('1000');
		await expectServing(timelineBefore);
		expect(finish.stdout).toMatch(/from backup \d{8}-\d{6}F/);
		const check = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(check.code, check.stdout + check.stderr).toBe(0);
	});

	test('restore --into: a new cluster on three new hosts, restored to the end of a backup named by its label, with its own passwords and repository; the source keeps serving', async () => {
		sql('drop table if exists drill_copy; create table drill_copy(i int)');
		sql('insert into drill_copy select generate_series(1, 42)');
		const backup = await pgha(['backup', '--cluster', cluster(), '--type', 'full', '--yes'], env);
		expect(backup.code, backup.stdout + backup.stderr).toBe(0);
		const label = /backup (\d{8}-\d{6}F) done/.exec(backup.stdout)![1]!;
		sql('insert into drill_copy select generate_series(43, 50)');
		const hosts: LabAnswers['hosts'] = [];
		const roles = [['postgres', 'etcd', 'balancer'], ['postgres', 'etcd', 'balancer'], ['postgres', 'etcd', 'backup']];
		for (const [i, name] of ['staging1', 'staging2', 'staging3'].entries()) {
			const added = await pgha(['lab', 'add', name], env);
			expect(added.code, added.stderr).toBe(0);
			hosts.push({name, ip: /10\.131\.0\.\d+/.exec(added.stdout)![0], roles: roles[i]!});
		}
		const fresh = (value: string) => `${value}Stg9`;
		const raw = YAML.parse(readFileSync(join(seedWork, 'answers.yaml'), 'utf8')) as Record<string, any>;
		const staging = {
			...raw,
			cluster: {...raw['cluster'], name: 'staging'},
			hosts,
			network: {...raw['network'], vip: '10.131.0.57', vrrpRouterId: 57},
			passwords: {...raw['passwords'], superuser: fresh(raw['passwords'].superuser), replication: fresh(raw['passwords'].replication), app: fresh(raw['passwords'].app), patroniApi: fresh(raw['passwords'].patroniApi)},
		};
		const file = join(seedWork, 'staging.yaml');
		writeFileSync(file, YAML.stringify(staging), {mode: 0o600});
		const started = Date.now();
		const run = await pgha(['restore', '--into', file, '--cluster', cluster(), '--to', label, '--yes'], env);
		console.log(`restore --into (3 new hosts, install included): ${((Date.now() - started) / 1000).toFixed(1)} s`);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toContain(`New cluster "staging" restored from cluster ${cluster()}'s repository, to the end of backup ${label}`);
		const stagingPgpass = join(seedWork, 'staging-pgpass');
		writeFileSync(stagingPgpass, `*:*:*:aplicacion:${staging.passwords.app}\n`, {mode: 0o600});
		const stagingAnswers = staging as unknown as LabAnswers;
		expect(sqlViaVip(stagingAnswers, 5000, 'select count(*) from drill_copy', stagingPgpass).out).toBe('42');
		await until('a read through the new VIP:5001', () => sqlViaVip(stagingAnswers, 5001, 'select count(*) from drill_copy', stagingPgpass).out === '42', 60_000, 500);
		// The old app password does not open the copy; the source still has every row and serves.
		expect(sqlViaVip(stagingAnswers, 5000, 'select 1', pgpass).ok).toBe(false);
		expect(sql('select count(*) from drill_copy')).toBe('50');
		// The source's repository let the new leader in for the restore only.
		expect(onHost(answers, repository(), 'cat /var/lib/postgresql/.ssh/authorized_keys')).not.toContain('postgres@staging1');
		// The restore ended with the new cluster's verify (exit 0: every check passed), its own repository's among them:
		// its fresh full backup waited for the new primary's WAL there, and the archiver has failed nothing since.
		expect(run.stdout).toMatch(/^PASS WAL archiving works \(the primary archiver\): \S+ archived \S+ \d+ s ago, no failure since$/m);
		const sourceCheck = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(sourceCheck.code, sourceCheck.stdout + sourceCheck.stderr).toBe(0);
		// The files after this one work on the seed cluster alone.
		expect((await pgha(['answers', 'remove', 'staging'], env)).code).toBe(0);
		for (const host of hosts) expect((await pgha(['lab', 'crash', host.name], env)).code).toBe(0);
	});
});

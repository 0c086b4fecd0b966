import {spawn} from 'node:child_process';
import {chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {renderBackupVerifyScript, parseDrillResult, type DrillResult} from '../../../recipes/pgbackrest/verify-script.js';
import {renderPgbackrestRepo} from '../../../recipes/pgbackrest/render.js';
import {example, nastyEnv} from '../../answers/fixtures.js';
import {skipOrFail} from '../../strict.js';
import {findTool, run, toLoopback, userIds, type RunResult} from '../tool-helpers.js';

/*
 * The restore drill's script, run for real on this machine: PostgreSQL 15
 * plays the leader (a Unix socket only), a pgBackRest repository in a
 * temporary directory holds its backup and WAL, encrypted with a cipher full
 * of quotes and symbols, and the repository config is the one pgha renders
 * (its node addresses moved onto loopback, where nothing answers). ssh is a
 * stand-in that runs the command locally against the leader for the first
 * node and refuses the others. Needs root (the script runs tools as
 * postgres), PostgreSQL 15, pgBackRest and jq; CI installs them.
 */

const pgBin = '/usr/lib/postgresql/15/bin';
const tools = {pgbackrest: findTool('pgbackrest'), jq: findTool('jq'), flock: findTool('flock'), pg_ctl: findTool('pg_ctl', [pgBin]), initdb: findTool('initdb', [pgBin]), pg_amcheck: findTool('pg_amcheck', [pgBin])};
const isRoot = process.getuid?.() === 0;

const answers = example('compact', nastyEnv);
const cipher = nastyEnv['PGHA_BACKUP_CIPHER']!;
const leaderPort = 55439;

let dir = '';
let why: string | undefined;
const path = (...parts: string[]) => join(dir, ...parts);

const asPostgres = (args: string[], input?: string, timeoutMs = 120_000) => run('runuser', ['-u', 'postgres', '--', ...args], {timeoutMs, ...(input !== undefined ? {input} : {})});
const leaderSql = (db: string, sql: string) => asPostgres([`${pgBin}/psql`, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', path('socket'), '-p', String(leaderPort), '-d', db], sql);

async function must(result: Promise<RunResult>, what: string): Promise<string> {
	const done = await result;
	if (done.code !== 0) throw new Error(`${what} failed (${done.code}): ${done.stdout}\n${done.stderr}`);
	return done.stdout;
}

/** The stand-in for ssh: the leader's address runs the command here, against the leader; any other address refuses. */
const sshStandIn = `#!/bin/bash
host=''
while [ $# -gt 0 ]; do
	case $1 in
		-o|-p) shift 2 ;;
		-*) shift ;;
		*) host=$1; shift; break ;;
	esac
done
if [ -z "$host" ] || [ "$host" != "$SHIM_LEADER" ]; then
	echo "ssh: connect to host $host port 22: Connection refused" >&2
	exit 255
fi
export PGHOST=$SHIM_SOCKET PGPORT=$SHIM_PORT
sql=$(cat)
if [[ $sql == 'select count(*) from '* ]]; then
	table=\${sql#select count(*) from }
	table=\${table%;}
	# A writer on the leader while the drill compares.
	if [ -n "\${SHIM_WRITE_BEFORE_COUNT:-}" ]; then bash -c "$*" <<< "insert into $table default values;"; fi
	# The leader holding a row its counters never saw (as if the restore had lost one).
	if [ -n "\${SHIM_EXTRA_ROW:-}" ]; then
		rows=$(bash -c "$*" <<< "$sql") || exit
		echo $(( rows + 1 ))
		exit 0
	fi
fi
exec bash -c "$*" <<< "$sql"
`;

type Drill = {code: number | null; out: string; result?: DrillResult};

/** Runs the rendered drill with the stand-in ssh; `onLine` sees each line as it comes. */
function drill(env: Record<string, string> = {}, onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<Drill> {
	return new Promise((resolve, reject) => {
		const child = spawn('bash', [path('backup-verify')], {
			env: {...process.env, PATH: `${path('bin')}:${process.env['PATH']}`, PGHA_BACKUP_VERIFY_DIR: path('work'), SHIM_LEADER: '127.20.0.11', SHIM_SOCKET: path('socket'), SHIM_PORT: String(leaderPort), ...env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let pending = '';
		const take = (chunk: Buffer) => {
			out += chunk.toString();
			pending += chunk.toString();
			const lines = pending.split('\n');
			pending = lines.pop()!;
			for (const line of lines) onLine?.(line, child);
		};
		child.stdout.on('data', take);
		child.stderr.on('data', take);
		const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			const file = path('work', 'last.json');
			resolve({code, out, ...(existsSync(file) ? {result: parseDrillResult(readFileSync(file, 'utf8'))} : {})});
		});
	});
}

const check = (result: DrillResult | undefined, name: string) => result?.checks.find(c => c.name === name);
const throwawayRunning = async () => (await run('pgrep', ['-f', '--', `-D ${path('work', 'data')}`])).code === 0;
/** Waits until no process holds the drill's lock (what a killed drill's last tool may still do for a moment). */
async function lockFree(): Promise<void> {
	for (let i = 0; i < 100; i++) {
		if ((await run('flock', ['-n', path('work', '.lock'), 'true'])).code === 0) return;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
	throw new Error('the drill lock stayed held');
}

beforeAll(async () => {
	const missing = Object.entries(tools).filter(([, found]) => !found).map(([name]) => name);
	if (missing.length > 0) return void (why = `${missing.join(', ')} not installed here (CI installs .ci/apt-packages.txt)`);
	if (!isRoot) return void (why = 'needs root: the drill runs its tools as postgres');
	const ids = await userIds('postgres');
	if (!ids) return void (why = 'there is no postgres user (postgresql-15 creates it)');
	dir = mkdtempSync(join(tmpdir(), 'pgha-drill-'));
	chmodSync(dir, 0o755);
	for (const sub of ['socket', 'repo', 'log', 'lock', 'bin']) mkdirSync(path(sub), {mode: 0o755});
	for (const sub of ['socket', 'repo', 'log', 'lock']) chownSync(path(sub), ids.uid, ids.gid);
	writeFileSync(path('bin', 'ssh'), sshStandIn, {mode: 0o755});

	// The repository's config as pgha renders it, its files kept in the temporary directory.
	const own = `repo1-path=${path('repo')}\nlog-path=${path('log')}\nlock-path=${path('lock')}\n`;
	const repoConfig = toLoopback(renderPgbackrestRepo(answers).content).replace('repo1-path=/var/lib/pgbackrest\n', own);
	writeFileSync(path('repo.conf'), repoConfig, {mode: 0o600});
	chownSync(path('repo.conf'), ids.uid, ids.gid);
	// What the leader archives and backs up with: the same repository, its data directory local.
	const global = repoConfig.slice(0, repoConfig.indexOf('\n[compact]'));
	writeFileSync(path('leader.conf'), `${global}\n[compact]\npg1-path=${path('leader')}\npg1-socket-path=${path('socket')}\npg1-port=${leaderPort}\n`, {mode: 0o600});
	chownSync(path('leader.conf'), ids.uid, ids.gid);
	const script = renderBackupVerifyScript(answers).content;
	writeFileSync(path('backup-verify'), toLoopback(script).replace('config=/etc/pgbackrest/repo.conf\n', `config=${path('repo.conf')}\n`), {mode: 0o750});

	mkdirSync(path('leader'), {mode: 0o700});
	chownSync(path('leader'), ids.uid, ids.gid);
	await must(asPostgres([tools.initdb!, '-D', path('leader'), '-U', 'postgres', '--data-checksums', '--auth-local=peer']), 'initdb');
	writeFileSync(
		path('leader', 'postgresql.auto.conf'),
		[
			"listen_addresses = ''",
			`port = ${leaderPort}`,
			`unix_socket_directories = '${path('socket')}'`,
			'wal_level = replica',
			'archive_mode = on',
			`archive_command = 'pgbackrest --config=${path('leader.conf')} --stanza=compact archive-push %p'`,
			// Above the throwaway's defaults: the drill must start it with at least the leader's.
			'max_connections = 130',
			'max_prepared_transactions = 5',
			'',
		].join('\n'),
	);
	await must(asPostgres([tools.pg_ctl!, '-D', path('leader'), '-l', path('log', 'leader.log'), '-w', 'start']), 'starting the leader');
	await must(asPostgres(['pgbackrest', `--config=${path('leader.conf')}`, '--stanza=compact', 'stanza-create']), 'stanza-create');
	await must(
		leaderSql(
			'postgres',
			"create database aplicacion; \\c aplicacion\ncreate table pedidos (id serial primary key, nota text); insert into pedidos (nota) select 'n' || g from generate_series(1, 5000) g; create table \"Raro|Nombre\" (x int); insert into \"Raro|Nombre\" select generate_series(1, 40); create unlogged table cache (x int); insert into cache values (1); analyze;",
		),
		'the application data',
	);
	await must(asPostgres(['pgbackrest', `--config=${path('leader.conf')}`, '--stanza=compact', '--type=full', 'backup'], undefined, 170_000), 'the full backup');
	// Written after the backup: only the archived WAL brings these rows back.
	await must(leaderSql('aplicacion', "insert into pedidos (nota) select 'after' from generate_series(1, 700);"), 'rows after the backup');
}, 240_000);

afterAll(async () => {
	if (!dir) return;
	await asPostgres([`${pgBin}/pg_ctl`, '-D', path('leader'), '-m', 'immediate', 'stop']);
	if (existsSync(path('work', 'data', 'postmaster.pid'))) await asPostgres([`${pgBin}/pg_ctl`, '-D', path('work', 'data'), '-m', 'immediate', 'stop']);
	rmSync(dir, {recursive: true, force: true});
}, 60_000);

describe('the restore drill, run for real', () => {
	it('restores the latest backup, replays the WAL archived after it, checks it and the repository, and cleans up', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const {code, out, result} = await drill();
		expect(code, out).toBe(0);
		expect(out).not.toContain(cipher);
		for (const line of out.split('\n').filter(Boolean)) expect(line, out).toMatch(/^(\[ *\d+ s\] |          \| )/);
		expect(out).toMatch(/\] latest backup: ok \(\d+ s\), \d{8}-\d{6}F \(full, finished [\d-]+T[\d:]+Z\), database \d+ MiB\n/);
		expect(out).toMatch(/\] restore point: ok \(\d+ s\), leader node1 \(127\.20\.0\.11\) switched WAL at [0-9A-F]+\/[0-9A-F]+; [0-9A-F]{24} is in the repository; 2 tables sampled in 2 databases\n/);
		expect(out).toMatch(/\] replay: ok \(\d+ s\), replayed the archived WAL to [0-9A-F/]+ \(the restore point is [0-9A-F/]+\) and promoted on timeline 2; restore and replay took \d+ s\n/);
		expect(out).toMatch(/\] result: PASSED in \d+ s \(restore and replay \d+ s\); .*last\.json\n$/);

		expect(result).toMatchObject({ok: true, problems: [], backup: expect.stringMatching(/^\d{8}-\d{6}F$/)});
		expect(Date.now() - Date.parse(result!.at)).toBeLessThan(60_000);
		expect(result!.restoreSeconds).toBeLessThanOrEqual(result!.durationSeconds);
		expect(result!.checks.map(c => [c.name, c.ok])).toEqual([
			['latest backup', true],
			['disk space', true],
			['restore point', true],
			['restore', true],
			['replay', true],
			['pg_amcheck', true],
			['row counts', true],
			['pgbackrest verify', true],
		]);
		// The rows written after the backup came back through the WAL; the unlogged table is never sampled.
		expect(result!.tables).toEqual([
			{db: 'aplicacion', table: 'public.pedidos', restored: 5700, live: 5700, status: 'matches'},
			{db: 'aplicacion', table: 'public."Raro|Nombre"', restored: 40, live: 40, status: 'matches'},
		]);
		expect(check(result, 'pgbackrest verify')?.evidence).toMatch(/^1 backup\(s\) and \d+ WAL file\(s\) valid$/);
		expect(readdirSync(path('work')).sort()).toEqual(['.lock', 'last.json']);
		expect(await throwawayRunning()).toBe(false);
		// The promoted throwaway archived nothing: no timeline of its own reached the repository.
		expect(readdirSync(path('repo', 'archive', 'compact', '15-1')).filter(f => f.endsWith('.history'))).toEqual([]);
	}, 180_000);

	it('fails on a table whose rows differ while nothing changed it, and only notes one that changed', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const differs = await drill({SHIM_EXTRA_ROW: '1'});
		expect(differs.code, differs.out).toBe(1);
		expect(differs.result?.tables.map(t => t.status)).toEqual(['differs', 'differs']);
		expect(differs.result?.problems).toEqual([expect.stringMatching(/^row counts: aplicacion public\.pedidos has (\d+) rows in the restore and \d+ on the leader, and did not change since the restore point; /)]);
		expect(differs.out).toMatch(/\] row counts: FAILED \(\d+ s\): /);
		expect(differs.out).toMatch(/\] result: FAILED in \d+ s; /);

		const busy = await drill({SHIM_WRITE_BEFORE_COUNT: '1'});
		expect(busy.code, busy.out).toBe(0);
		expect(busy.result?.tables.map(t => t.status)).toEqual(['changed since the restore point, not compared', 'changed since the restore point, not compared']);
		expect(check(busy.result, 'row counts')?.evidence).toBe('0 of 2 sampled tables match the leader; 2 changed since the restore point, not compared');
	}, 180_000);

	it('without a leader to compare with, still restores and checks, and fails naming why', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const {code, out, result} = await drill({SHIM_LEADER: 'none'});
		expect(code, out).toBe(1);
		expect(result?.problems).toEqual([expect.stringMatching(/^restore point: no PostgreSQL node answered as the leader, so no row count can be compared \(node1: ssh: connect to host 127\.20\.0\.11 port 22: Connection refused node2: .*\)$/)]);
		expect(result?.checks.filter(c => c.ok).map(c => c.name)).toEqual(['latest backup', 'disk space', 'restore', 'replay', 'pg_amcheck', 'pgbackrest verify']);
	}, 180_000);

	it('fails when WAL the leader archived is missing from the repository: the replay ends before the restore point', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const wal = (await must(leaderSql('aplicacion', 'insert into pedidos (nota) values (null); select pg_walfile_name(pg_switch_wal());'), 'a switch')).trim();
		const archive = path('repo', 'archive', 'compact', '15-1', wal.slice(0, 16));
		// Once the leader counts it archived, pgBackRest has renamed the file into place.
		let archived = '';
		for (let i = 0; i < 100 && archived < wal; i++) {
			archived = (await must(leaderSql('postgres', "select coalesce(last_archived_wal, '') from pg_stat_archiver;"), 'the archiver')).trim();
			if (archived < wal) await new Promise(resolve => setTimeout(resolve, 200));
		}
		const segment = readdirSync(archive).find(f => new RegExp(`^${wal}-[0-9a-f]{40}\\.zst$`).test(f));
		expect(segment).toBeDefined();
		renameSync(join(archive, segment!), path('held-back'));
		try {
			const {code, out, result} = await drill();
			expect(code, out).toBe(1);
			expect(result?.problems).toEqual([expect.stringMatching(/^replay: the archived WAL ended at [0-9A-F/]+, before the restore point [0-9A-F/]+: WAL the leader archived is missing from the repository$/)]);
		} finally {
			renameSync(path('held-back'), join(archive, segment!));
		}
	}, 180_000);

	// A damaged file in the backup, failing the restore and named by pgbackrest verify, is proven on the lab's repository (test/e2e/restore.test.ts).
	it('stops and removes what an interrupted drill left, and says so', async ctx => {
		if (why) return skipOrFail(ctx, why);
		// SIGKILL as soon as the throwaway runs: nothing is cleaned up, the next drill must.
		const killed = await drill({}, (line, child) => {
			if (line.includes('] replay: ok')) child.kill('SIGKILL');
		});
		expect(killed.code).toBe(null);
		expect(await throwawayRunning()).toBe(true);
		await lockFree();
		const {code, out} = await drill();
		expect(code, out).toBe(0);
		expect(out).toMatch(/\] removed what an earlier drill left in /);
		expect(await throwawayRunning()).toBe(false);
	}, 180_000);

	it('stopped half way (SIGTERM), records why in last.json and still removes the throwaway', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const {code, out, result} = await drill({}, (line, child) => {
			if (line.includes('] replay: ok')) child.kill('SIGTERM');
		});
		expect(code, out).toBe(143);
		expect(result).toMatchObject({ok: false, problems: [expect.stringMatching(/^the drill was stopped \(SIGTERM\) during (replay|pg_amcheck|row counts)$/)]});
		expect(await throwawayRunning()).toBe(false);
		expect(readdirSync(path('work')).sort()).toEqual(['.lock', 'last.json']);
	}, 180_000);

	it('refuses to start while another drill holds the lock, leaving last.json as it was', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const before = readFileSync(path('work', 'last.json'), 'utf8');
		// -o: flock alone holds the lock (not sleep), so killing it frees the lock for the next test.
		const holder = spawn('flock', ['-o', path('work', '.lock'), 'sleep', '30'], {stdio: 'ignore'});
		await new Promise(resolve => setTimeout(resolve, 300));
		try {
			const {code, out} = await drill();
			expect(code).toBe(2);
			expect(out).toContain('another drill is running on this host');
			expect(readFileSync(path('work', 'last.json'), 'utf8')).toBe(before);
		} finally {
			holder.kill('SIGKILL');
		}
	}, 60_000);

	// Last: it leaves a damaged index in the leader and its latest backup.
	it('a damaged index in the backup is named by pg_amcheck', async ctx => {
		if (why) return skipOrFail(ctx, why);
		const file = (await must(leaderSql('aplicacion', "create table indexada (id int primary key); insert into indexada select generate_series(1, 2000); checkpoint; select pg_relation_filepath('indexada_pkey');"), 'an index')).trim();
		await must(asPostgres([`${pgBin}/pg_ctl`, '-D', path('leader'), '-m', 'fast', '-w', 'stop']), 'stopping the leader');
		// Eight bytes of 0xff over line pointers of the index's second page.
		const fd = openSync(path('leader', file), 'r+');
		writeSync(fd, Buffer.alloc(8, 0xff), 0, 8, 8250);
		closeSync(fd);
		await must(asPostgres([`${pgBin}/pg_ctl`, '-D', path('leader'), '-l', path('log', 'leader.log'), '-w', 'start']), 'starting the leader');
		await must(asPostgres(['pgbackrest', `--config=${path('leader.conf')}`, '--stanza=compact', '--type=full', 'backup'], undefined, 170_000), 'a full backup of the damage');
		const {code, out, result} = await drill();
		expect(code, out).toBe(1);
		expect(check(result, 'pg_amcheck')).toEqual({name: 'pg_amcheck', ok: false, evidence: 'btree index "aplicacion.public.indexada_pkey"'});
		expect(result?.problems).toEqual(['pg_amcheck: btree index "aplicacion.public.indexada_pkey"']);
		expect(out).toMatch(/\] pg_amcheck: FAILED \(\d+ s\): btree index "aplicacion\.public\.indexada_pkey"\n/);
		// pg_amcheck's own lines follow, indented under the stage.
		expect(out).toContain('\n          | btree index "aplicacion.public.indexada_pkey":\n');
	}, 240_000);
});

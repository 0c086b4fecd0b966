import {spawn, spawnSync} from 'node:child_process';
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import {cliPath, labUnavailable, onHost, pgha, readAnswers, until, type CliResult} from './helpers.js';
import {secretsOf, watched} from './process-watch.js';
import {seedEnv as env, seedLab, seedWork} from './seed-cluster.js';
import {clusterCa, lostRows, startVipWriters, viaVip, type WriterRecord} from './vip-writers.js';

// Day two on the installed seed lab: the application password is rotated
// (afterwards only the new one logs in; sessions opened with the old one are
// closed when PgBouncer reloads, as their keys no longer match), then every
// certificate is rotated while the test's writers write through VIP:5000 over
// TLS. Services only reload: no statement fails, the leader and the VIP stay.
const skip = labUnavailable();
let answers: ReturnType<typeof readAnswers>;
const cluster = () => answers.cluster.name;

type Member = {Member: string; Role: string};
const leaderName = () => (JSON.parse(onHost(answers, 'postgres3', 'patronictl -c /etc/patroni/config.yml list -f json')) as Member[]).find(m => m.Role === 'Leader')!.Member;
const vipHolder = () => answers.hosts.filter(h => h.roles.includes('balancer')).find(h => onHost(answers, h.name, 'ip -o -4 addr show').includes(` ${answers.network.vip}/`))?.name;
const savedSecret = (variable: string) => (JSON.parse(readFileSync(join(env.PGHA_HOME, 'clusters', `${cluster()}.secrets.json`), 'utf8')) as Record<string, string>)[variable]!;

/** One login through VIP:5000 over TLS as the database owner with this password; true when it got in. */
function logsIn(password: string): boolean {
	const file = join(seedWork, 'rotate-pgpass');
	writeFileSync(file, `*:*:*:aplicacion:${password}\n`, {mode: 0o600});
	try {
		const result = spawnSync('psql', ['-X', '-A', '-t', `host=${answers.network.vip} port=5000 user=aplicacion dbname=aplicacion sslmode=require connect_timeout=5`, '-c', 'select 1'], {
			encoding: 'utf8',
			env: {...process.env, PGPASSFILE: file},
			timeout: 30_000,
		});
		return result.status === 0 && result.stdout.trim() === '1';
	} finally {
		rmSync(file, {force: true});
	}
}

/** pgha with one line on standard input (the --stdin password), like `printf ... | pgha ...`. */
function pghaWithStdin(args: string[], line: string): Promise<CliResult> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [cliPath, ...args], {env: {...process.env, CI: 'true', ...env}, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('close', code => resolve({code: code ?? 1, stdout, stderr}));
		child.stdin.end(`${line}\n`);
	});
}

describe.skipIf(skip)('rotation on the seed topology', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
	});

	test('rotate password app: the new one logs in through the VIP, the old one no longer does, nothing restarts, the leader and the VIP stay', async () => {
		const oldApp = answers.passwords['app']!;
		const leader = leaderName();
		const holder = vipHolder();
		expect(holder).toBeDefined();
		try {
			const started = Date.now();
			const password = await watched(answers, secretsOf(answers), () => pgha(['rotate', 'password', 'app', '--cluster', cluster(), '--yes'], env));
			console.log(`rotate password app: ${((Date.now() - started) / 1000).toFixed(1)} s`);
			expect(password.code, password.stdout + password.stderr).toBe(0);
			expect(password.stdout).toMatch(/pgha: pgbouncer reloaded on [^;]+; nothing was restarted\./);
			const newApp = savedSecret('PGHA_APP_PASSWORD');
			expect(newApp).not.toBe(oldApp);
			expect(password.stdout + password.stderr).not.toContain(newApp);
			expect(logsIn(newApp)).toBe(true);
			expect(logsIn(oldApp)).toBe(false);
			expect(leaderName()).toBe(leader);
			expect(vipHolder()).toBe(holder);
		} finally {
			// The files after this one log in with the answer file's password: it is put back, through --stdin.
			if (savedSecret('PGHA_APP_PASSWORD') !== oldApp) {
				const back = await pghaWithStdin(['rotate', 'password', 'app', '--stdin', '--cluster', cluster(), '--yes'], oldApp);
				expect(back.code, back.stdout + back.stderr).toBe(0);
				expect(back.stdout + back.stderr).not.toContain(oldApp);
			}
		}
		await until('the answer file\'s password to log in again', () => logsIn(oldApp), 30_000, 1_000);
	});

	test('rotate certificates under load over TLS: reloads only, no failed statement, the leader and the VIP stay', async () => {
		const leader = leaderName();
		const holder = vipHolder();
		const ca = clusterCa(env.PGHA_HOME, cluster());
		// Each writer keeps one TLS session open and writes until stopped: the load crosses every reload with the old certificates' sessions.
		const load = await startVipWriters(answers, ca, 'e2e_rotation', 4);
		let record: WriterRecord = {commits: [], failures: []};
		try {
			await until('the writers to commit', () => load.lastAck() > 0, 30_000, 100);
			const started = Date.now();
			const certificates = await watched(answers, secretsOf(answers), () => pgha(['rotate', 'certificates', '--cluster', cluster(), '--yes'], env));
			console.log(`rotate certificates: ${((Date.now() - started) / 1000).toFixed(1)} s`);
			expect(certificates.code, certificates.stdout + certificates.stderr).toBe(0);
			// The saved cluster may have grown past the answer file (add-replica): its plan says how many hosts.
			const hosts = /a new certificate and key for each of (\d+) hosts/.exec(certificates.stdout)?.[1];
			expect(hosts).toBeDefined();
			expect(certificates.stdout).toMatch(new RegExp(`issued ${hosts} certificate\\(s\\) from the cluster CA; the earliest expires on \\d{4}-\\d\\d-\\d\\d`));
			expect(certificates.stdout).toContain('nothing was restarted');
			const during = load.lastAck();
			await until('the writers to commit after the rotation', () => load.lastAck() > during, 10_000, 100);
		} finally {
			record = await load.stop();
		}
		expect(record.failures, 'statements failed while the certificates were rotated').toEqual([]);
		expect(await lostRows(answers, ca, 'e2e_rotation', record)).toBe(0);
		await viaVip(answers, ca, 'drop table e2e_rotation');
		expect(leaderName()).toBe(leader);
		expect(vipHolder()).toBe(holder);
		const check = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(check.code, check.stdout + check.stderr).toBe(0);
		expect(check.stdout).toContain('pgha: no drift.');
	});
});

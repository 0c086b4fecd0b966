import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import YAML from 'yaml';
import {readLabState} from '../source/lab/lab.js';
import {benchFailover} from './failover.js';
import {benchRecovery} from './recovery.js';
import type {Figure} from './figures.js';
import type {GrowthPoint} from './growth.js';
import {busyShare, memoryInUseMB, phaseTimes, runCli as run, runCliRepeated, sampleCpu, spread, type LabAnswers} from './lab-run.js';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function onHost(answers: LabAnswers, name: string, command: string): string {
	const host = answers.hosts.find(h => h.name === name)!;
	const result = spawnSync('ssh', ['-i', answers.ssh.identityFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', `root@${host.ip}`, command], {encoding: 'utf8', timeout: 60_000});
	return result.stdout;
}

function writeWorks(answers: LabAnswers, pgpass: string): boolean {
	const result = spawnSync('psql', ['-XAtq', `host=${answers.network.vip} port=5000 user=aplicacion dbname=aplicacion connect_timeout=2`, '-c', 'insert into bench_drill values (default)'], {env: {...process.env, PGPASSFILE: pgpass}, timeout: 10_000});
	return result.status === 0;
}

async function timeUntil(fn: () => boolean, timeoutMs: number): Promise<number> {
	const start = Date.now();
	while (!fn()) {
		if (Date.now() - start > timeoutMs) return Number.NaN;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
	return Date.now() - start;
}

/**
 * On a fresh seed lab: a full install (wall time per phase), a no-op re-run,
 * `repair --check` on the nine hosts as installed (these three are the seed's
 * point of the growth bench, bench/growth.ts), a failover drill (leader host
 * powered off until writes through VIP:5000 succeed again), a VIP move
 * (HAProxy stopped on the holder until VIP:5000 serves from the other
 * balancer), the failover figures of each durability and speed choice
 * (bench/failover.ts), add-replica, and `repair --check` on the ten hosts.
 */
export async function benchInstall(print: (line: string) => void = console.log): Promise<{figures: Figure[]; growth: GrowthPoint}> {
	const figures: Figure[] = [];
	const figure = (name: string, ms: number) => figures.push({name, value: ms / 1000, unit: 's'});
	const work = mkdtempSync(join(tmpdir(), 'pgha-bench-'));
	const answersFile = join(work, 'answers.yaml');
	const env = {PGHA_HOME: join(work, 'home')};
	// This bench takes its lab down at the end, so it starts only where no lab is up.
	const running = await readLabState();
	if (running) throw new Error(`a ${running.topology} lab is up (started ${running.startedAt}); the bench needs the lab to itself: run it when \`pgha lab down\` is safe`);
	const memoryBefore = memoryInUseMB();
	const up = run(['lab', 'up', '--topology', 'seed', '--write-answers', answersFile], env);
	if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}`);
	const answers = YAML.parse(readFileSync(answersFile, 'utf8')) as LabAnswers;
	const pgpass = join(work, 'pgpass');
	writeFileSync(pgpass, `*:*:*:aplicacion:${answers.passwords['app']}\n`, {mode: 0o600});
	try {
		const sampler = sampleCpu(join(work, 'cpu-samples'));
		const first = run(['install', '--answers', answersFile, '--yes'], env);
		const cpu = sampler.stop();
		if (first.code !== 0) throw new Error(`install failed:\n${first.stdout.slice(-3000)}`);
		const logFile = first.stdout.match(/log (\S+\.log)/)![1]!;
		const memoryAfter = memoryInUseMB();
		const memoryMB = memoryBefore !== undefined && memoryAfter !== undefined ? memoryAfter - memoryBefore : undefined;
		print(`install (${answers.hosts.length} hosts, fresh lab): ${secs(first.ms)} wall, start-up included${memoryMB === undefined ? '' : `; ${(memoryMB / 1000).toFixed(1)} GB more memory in use than before lab up`}`);
		figure('install, seed lab (9 hosts)', first.ms);
		for (const {phase, ms, start, end} of phaseTimes(readFileSync(logFile, 'utf8'))) {
			// The lab's hosts share this machine's cores: how busy they kept them says whether a phase waited on CPU or on events.
			const busy = busyShare(cpu, start, end);
			print(`  ${phase.padEnd(18)} ${secs(ms)}${busy === undefined ? '' : `, machine CPU ${(busy * 100).toFixed(0)}% busy`}`);
			figure(`  phase ${phase}`, ms);
			if (phase === 'packages' && busy !== undefined) figures.push({name: '  machine CPU busy during the packages phase', value: Math.round(busy * 1000) / 10, unit: '%'});
		}
		const again = runCliRepeated(['install', '--answers', answersFile, '--yes'], env);
		print(`no-op re-run (checks every step, then verify): ${spread(again)}; ${again.stdout.match(/finished: .*?;/)?.[0] ?? 'did not finish'}`);
		figure('no-op re-run', again.ms);
		// On the nine hosts as installed, before any drill: the seed's point of the growth bench.
		const freshCheck = runCliRepeated(['repair', '--check', '--cluster', answers.cluster.name], env);
		print(`repair --check on ${answers.hosts.length} fresh hosts: ${spread(freshCheck)} (exit ${freshCheck.code})`);
		const growth: GrowthPoint = {
			topology: 'seed',
			hosts: answers.hosts.length,
			installMs: first.ms,
			noopMs: again.ms,
			checkMs: freshCheck.ms,
			checkCode: freshCheck.code,
			...(memoryMB === undefined ? {} : {memoryMB}),
		};

		spawnSync('psql', ['-XAtq', `host=${answers.network.vip} port=5000 user=aplicacion dbname=aplicacion`, '-c', 'create table if not exists bench_drill (id bigserial primary key)'], {env: {...process.env, PGPASSFILE: pgpass}});
		const list = JSON.parse(onHost(answers, 'postgres2', 'patronictl -c /etc/patroni/config.yml list -f json')) as Array<{Member: string; Role: string}>;
		const leader = list.find(m => m.Role === 'Leader')!.Member;
		run(['lab', 'stop', leader], env);
		const failover = await timeUntil(() => writeWorks(answers, pgpass), 180_000);
		print(`failover: ${leader} powered off; writes through VIP:5000 again after ${secs(failover)}`);
		figure('failover (leader powered off), writes back', failover);
		run(['lab', 'start', leader], env);

		const holder = ['haproxy1', 'haproxy2'].find(b => onHost(answers, b, 'ip -o -4 addr show').includes(` ${answers.network.vip}/`))!;
		onHost(answers, holder, 'systemctl stop haproxy');
		const other = holder === 'haproxy1' ? 'haproxy2' : 'haproxy1';
		const vipMove = await timeUntil(() => onHost(answers, other, 'ip -o -4 addr show').includes(` ${answers.network.vip}/`) && writeWorks(answers, pgpass), 60_000);
		print(`VIP move: HAProxy stopped on ${holder}; VIP:5000 served from ${other} after ${secs(vipMove)}`);
		figure('VIP move (HAProxy stopped on the holder)', vipMove);
		onHost(answers, holder, 'systemctl start haproxy');
		// The old leader must be back and streaming before the cluster is changed again.
		await timeUntil(() => run(['verify', '--cluster', answers.cluster.name], env).code === 0, 300_000);

		figures.push(...(await benchFailover(answers.cluster.name, work, env, run, print)));
		figures.push(...(await benchRecovery(answers.cluster.name, answers.network.vip, pgpass, env, run, print)));

		const added = run(['lab', 'add', 'postgres4'], env);
		const ip = added.stdout.match(/10\.131\.0\.\d+/)?.[0];
		const replica = run(['add-replica', '--cluster', answers.cluster.name, '--name', 'postgres4', '--ip', ip ?? '', '--yes'], env);
		print(`add-replica postgres4: ${secs(replica.ms)} (exit ${replica.code})`);
		figure('add-replica', replica.ms);
		const check = run(['repair', '--check', '--cluster', answers.cluster.name], env);
		print(`repair --check on 10 hosts: ${secs(check.ms)} (exit ${check.code})`);
		figure('repair --check, 10 hosts', check.ms);
		return {figures, growth};
	} finally {
		if (process.env['PGHA_KEEP_LAB'] !== '1') run(['lab', 'down'], env);
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchInstall();

import {spawnSync} from 'node:child_process';
import type {Figure} from './figures.js';

type Run = (args: string[], env: NodeJS.ProcessEnv) => {ms: number; code: number; stdout: string};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * On an installed lab cluster: an on-demand full and differential backup, a
 * point-in-time restore of the whole cluster (and the write downtime it
 * reports), and the restore drill of `pgha backup verify`. Each through the
 * command a person runs, timed from outside.
 */
export async function benchRecovery(cluster: string, vip: string, pgpass: string, env: NodeJS.ProcessEnv, run: Run, print: (line: string) => void = console.log): Promise<Figure[]> {
	const figures: Figure[] = [];
	const figure = (name: string, ms: number) => figures.push({name, value: ms / 1000, unit: 's'});
	const sql = (statement: string) =>
		spawnSync('psql', ['-XAtq', `host=${vip} port=5000 user=aplicacion dbname=aplicacion`, '-c', statement], {env: {...process.env, PGPASSFILE: pgpass}, encoding: 'utf8'});
	for (const type of ['full', 'diff'] as const) {
		const backup = run(['backup', '--cluster', cluster, '--type', type, '--yes'], env);
		print(`backup --type ${type}: ${secs(backup.ms)} (exit ${backup.code})`);
		figure(`backup, ${type}`, backup.ms);
	}
	sql('create table if not exists bench_restore (id bigserial primary key, at timestamptz default now())');
	sql('insert into bench_restore default values');
	await new Promise(resolve => setTimeout(resolve, 1500));
	const target = new Date().toISOString();
	await new Promise(resolve => setTimeout(resolve, 1500));
	sql('insert into bench_restore default values');
	const restore = run(['restore', '--cluster', cluster, '--to', target, '--yes'], env);
	const downtime = Number(restore.stdout.match(/writes were stopped for ([\d.]+) s/)?.[1] ?? Number.NaN);
	print(`restore --to a time: ${secs(restore.ms)} in all, writes stopped ${downtime} s (exit ${restore.code})`);
	figure('restore to a time, whole command', restore.ms);
	figures.push({name: 'restore to a time, writes stopped', value: downtime, unit: 's'});
	const verify = run(['backup', 'verify', '--cluster', cluster], env);
	print(`backup verify (restore drill): ${secs(verify.ms)} (exit ${verify.code})`);
	figure('backup verify (restore drill)', verify.ms);
	return figures;
}

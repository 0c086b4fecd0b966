import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {readDrills} from '../source/failover/store.js';
import type {Figure} from './figures.js';

type Run = (args: string[], env: NodeJS.ProcessEnv) => {ms: number; code: number; stdout: string};

const secs = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The two choices the bench compares: today's defaults, and the strictest and quickest. */
const configurations = [
	{durability: 'async', rto: 'normal'},
	{durability: 'synchronous', rto: 'fast'},
] as const;

/**
 * For each configuration, on an installed lab cluster: a crash drill and a
 * partition drill of the leader (writes back, acknowledged writes lost), a
 * switchover (the pause of writes) and the VIP drill (writes back after
 * HAProxy dies on the VIP holder). Figures come from pgha's own saved drill
 * reports and its switchover output. The cluster is left on the defaults.
 */
export async function benchFailover(cluster: string, work: string, env: NodeJS.ProcessEnv, run: Run, print: (line: string) => void = console.log): Promise<Figure[]> {
	const figures: Figure[] = [];
	const setHa = (ha: Record<string, string> | undefined) => {
		const file = join(work, 'ha.yaml');
		run(['answers', 'export', cluster, '--file', file], env);
		const raw = YAML.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
		if (ha) raw['ha'] = ha;
		else delete raw['ha'];
		writeFileSync(file, YAML.stringify(raw), {mode: 0o600});
		run(['answers', 'import', file], env);
		const install = run(['install', '--cluster', cluster, '--yes'], env);
		if (install.code !== 0) throw new Error(`install with ha ${JSON.stringify(ha)} failed:\n${install.stdout.slice(-2000)}`);
	};
	const latest = (kind: string) => readDrills(cluster, env).filter(d => d.kind === kind).at(-1);
	try {
		for (const choice of configurations) {
			const label = `${choice.durability}/${choice.rto}`;
			setHa({...choice});
			for (const kind of ['crash', 'partition'] as const) {
				const drill = run(['drill', 'failover', '--kind', kind, '--yes'], env);
				const report = latest(kind);
				print(`${label} ${kind} of the leader: writes back after ${secs(report?.resumedAfterMs)}, ${report?.lost ?? '?'} acknowledged writes lost (exit ${drill.code})`);
				figures.push({name: `${label}: ${kind} RTO (writes back)`, value: (report?.resumedAfterMs ?? Number.NaN) / 1000, unit: 's'});
				figures.push({name: `${label}: ${kind}, acknowledged writes lost`, value: report?.lost ?? Number.NaN, unit: 'rows'});
			}
			const switchover = run(['switchover', '--yes'], env);
			const pause = Number(switchover.stdout.match(/paused ([\d.]+) s/)?.[1] ?? Number.NaN);
			print(`${label} switchover: writes paused ${pause} s (exit ${switchover.code})`);
			figures.push({name: `${label}: switchover pause`, value: pause, unit: 's'});
			const vip = run(['drill', 'vip', '--yes'], env);
			const report = latest('vip');
			print(`${label} VIP drill: writes back after ${secs(report?.resumedAfterMs)} (exit ${vip.code})`);
			figures.push({name: `${label}: VIP move (writes back)`, value: (report?.resumedAfterMs ?? Number.NaN) / 1000, unit: 's'});
		}
	} finally {
		setHa(undefined);
	}
	return figures;
}

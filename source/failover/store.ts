import {appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {pghaHome} from '../paths.js';
import type {DrillReport} from './report.js';

/** Where a cluster's drill reports are kept, one JSON line each, beside its saved answers. */
export function drillsFile(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
	return join(pghaHome(env), 'clusters', `${cluster}.drills.jsonl`);
}

/** Appends a drill's report to the cluster's record (0600). */
export function saveDrill(report: DrillReport, env: NodeJS.ProcessEnv = process.env): void {
	const file = drillsFile(report.cluster, env);
	mkdirSync(dirname(file), {recursive: true, mode: 0o700});
	appendFileSync(file, `${JSON.stringify(report)}\n`, {mode: 0o600});
	chmodSync(file, 0o600);
}

/** Every drill of a cluster, oldest first; lines that do not parse are skipped. */
export function readDrills(cluster: string, env: NodeJS.ProcessEnv = process.env): DrillReport[] {
	const file = drillsFile(cluster, env);
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(line => line.trim() !== '')
		.flatMap(line => {
			try {
				return [JSON.parse(line) as DrillReport];
			} catch {
				return [];
			}
		});
}

/** The latest drill of each kind, newest first. */
export function latestDrills(cluster: string, env: NodeJS.ProcessEnv = process.env): DrillReport[] {
	const latest = new Map<string, DrillReport>();
	for (const report of readDrills(cluster, env)) latest.set(report.kind, report);
	return [...latest.values()].sort((a, b) => b.at.localeCompare(a.at));
}

/** Forgets a cluster's drills (the cluster is removed). */
export function removeDrills(cluster: string, env: NodeJS.ProcessEnv = process.env): void {
	rmSync(drillsFile(cluster, env), {force: true});
}

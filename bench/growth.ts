import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import YAML from 'yaml';
import {readLabState} from '../source/lab/lab.js';
import {isTopologyName, type TopologyName} from '../source/lab/topology.js';
import type {Figure} from './figures.js';
import {availableMemory, memoryInUseMB, phaseTimes, runCli, runCliRepeated, spread, type LabAnswers} from './lab-run.js';

/** How pgha's cost grows with hosts: one topology's install, no-op re-run and `repair --check`, in ms. */
export type GrowthPoint = {
	topology: TopologyName;
	hosts: number;
	installMs: number;
	noopMs: number;
	checkMs: number;
	/** The exit code of `repair --check`: 0 on a fresh install, 3 if it found drift. */
	checkCode: number;
	/** What the machine has in use more than before `lab up`, the cluster installed (MB), when /proc/meminfo tells. */
	memoryMB?: number;
};

/** The topologies the growth bench installs besides the seed, which the seed install bench measures. */
export const growthTopologies: readonly TopologyName[] = ['compact', 'large'];

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const label = (point: Pick<GrowthPoint, 'topology' | 'hosts'>) => `(${point.topology}, ${point.hosts} hosts)`;

/**
 * The growth figures, one per kind and topology, grouped by kind and in
 * order of hosts so each kind reads down the table: "install (compact, 3
 * hosts)", "install (seed, 9 hosts)", "install (large, 15 hosts)", then the
 * no-op re-runs, the `repair --check` runs and the memory.
 */
export function growthFigures(points: readonly GrowthPoint[]): Figure[] {
	const sorted = [...points].sort((a, b) => a.hosts - b.hosts);
	return [
		...sorted.map((p): Figure => ({name: `install ${label(p)}`, value: p.installMs / 1000, unit: 's'})),
		...sorted.map((p): Figure => ({name: `no-op re-run ${label(p)}`, value: p.noopMs / 1000, unit: 's'})),
		...sorted.map((p): Figure => ({name: `repair --check ${label(p)}`, value: p.checkMs / 1000, unit: 's'})),
		...sorted.flatMap((p): Figure[] => (p.memoryMB === undefined ? [] : [{name: `memory in use, lab installed ${label(p)}`, value: p.memoryMB, unit: 'MB'}])),
	];
}

/** One line: "hosts 3 / 9 / 15: install A / B / C s, no-op D / E / F s, repair --check G / H / I s". */
export function growthLine(points: readonly GrowthPoint[]): string {
	const sorted = [...points].sort((a, b) => a.hosts - b.hosts);
	const each = (value: (p: GrowthPoint) => number) => sorted.map(p => (value(p) / 1000).toFixed(1)).join(' / ');
	return `hosts ${sorted.map(p => p.hosts).join(' / ')}: install ${each(p => p.installMs)} s, no-op ${each(p => p.noopMs)} s, repair --check ${each(p => p.checkMs)} s`;
}

/** The memory line beside it, when every topology measured it. */
export function growthMemoryLine(points: readonly GrowthPoint[]): string | undefined {
	const sorted = [...points].sort((a, b) => a.hosts - b.hosts);
	if (sorted.length === 0 || sorted.some(p => p.memoryMB === undefined)) return undefined;
	return `hosts ${sorted.map(p => p.hosts).join(' / ')}: memory in use with the lab installed ${sorted.map(p => (p.memoryMB! / 1000).toFixed(1)).join(' / ')} GB`;
}

/**
 * On a fresh lab of one topology: `lab up`, an install from the lab's bundle,
 * a no-op re-run, `repair --check`, `lab down` (always: the next topology
 * needs the lab). Needs root and no lab up.
 */
export async function benchGrowthOn(topology: TopologyName, print: (line: string) => void = console.log): Promise<GrowthPoint> {
	const running = await readLabState();
	if (running) throw new Error(`a ${running.topology} lab is up (started ${running.startedAt}); the bench needs the lab to itself`);
	const work = mkdtempSync(join(tmpdir(), `pgha-bench-${topology}-`));
	const answersFile = join(work, 'answers.yaml');
	const env = {PGHA_HOME: join(work, 'home')};
	const before = memoryInUseMB();
	let measured = false;
	print(`${topology}: ${availableMemory()} of memory available before lab up`);
	try {
		const up = runCli(['lab', 'up', '--topology', topology, '--write-answers', answersFile], env);
		if (up.code !== 0) throw new Error(`lab up --topology ${topology} failed:\n${up.stdout.slice(-3000)}`);
		const answers = YAML.parse(readFileSync(answersFile, 'utf8')) as LabAnswers;
		const hosts = answers.hosts.length;
		print(`lab up ${topology} (${hosts} hosts): ${secs(up.ms)}`);

		const install = runCli(['install', '--answers', answersFile, '--yes'], env);
		if (install.code !== 0) throw new Error(`install on the ${topology} lab failed:\n${install.stdout.slice(-3000)}`);
		const after = memoryInUseMB();
		const memoryMB = before !== undefined && after !== undefined ? after - before : undefined;
		print(`install (${hosts} hosts, fresh ${topology} lab): ${secs(install.ms)} wall, start-up included${memoryMB === undefined ? '' : `; ${(memoryMB / 1000).toFixed(1)} GB more memory in use than before lab up`}`);
		const logFile = install.stdout.match(/log (\S+\.log)/)?.[1];
		if (logFile) for (const {phase, ms} of phaseTimes(readFileSync(logFile, 'utf8'))) print(`  ${phase.padEnd(18)} ${secs(ms)}`);

		const noop = runCliRepeated(['install', '--answers', answersFile, '--yes'], env);
		print(`no-op re-run on ${hosts} hosts: ${spread(noop)}; ${noop.stdout.match(/finished: .*?;/)?.[0] ?? `did not finish (exit ${noop.code})`}`);
		const check = runCliRepeated(['repair', '--check', '--cluster', answers.cluster.name], env);
		print(`repair --check on ${hosts} hosts: ${spread(check)} (exit ${check.code})`);
		measured = true;
		return {topology, hosts, installMs: install.ms, noopMs: noop.ms, checkMs: check.ms, checkCode: check.code, ...(memoryMB === undefined ? {} : {memoryMB})};
	} finally {
		const down = runCli(['lab', 'down'], env);
		print(`lab down ${topology}: ${secs(down.ms)}${down.code === 0 ? '' : ` (exit ${down.code}):\n${down.stdout.slice(-2000)}`}`);
		// After a failure the run logs (PGHA_HOME/logs) stay for reading.
		if (measured) rmSync(work, {recursive: true, force: true});
		else print(`${topology}: the answers and run logs are kept in ${work}`);
	}
}

/**
 * Each topology in turn; one that fails is reported and left out, so the
 * figures of the others (and of the rest of the bench) are still saved.
 */
export async function benchGrowth(topologies: readonly TopologyName[] = growthTopologies, print: (line: string) => void = console.log): Promise<{points: GrowthPoint[]; failed: TopologyName[]}> {
	const points: GrowthPoint[] = [];
	const failed: TopologyName[] = [];
	for (const topology of topologies) {
		try {
			points.push(await benchGrowthOn(topology, print));
		} catch (error) {
			failed.push(topology);
			print(`${topology}: not measured: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	return {points, failed};
}

// `npm run build && node dist/bench/growth.js large`: the named topologies only (default compact and large),
// printed and not saved, so the next `npm run bench` still compares with the last full run.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const asked = process.argv.slice(2);
	const unknown = asked.filter(name => !isTopologyName(name));
	if (unknown.length > 0) throw new Error(`unknown topology ${unknown.join(', ')}`);
	const {points, failed} = await benchGrowth(asked.length > 0 ? (asked as TopologyName[]) : growthTopologies);
	if (points.length > 0) {
		console.log(growthLine(points));
		const memory = growthMemoryLine(points);
		if (memory) console.log(memory);
	}
	if (failed.length > 0) process.exitCode = 1;
}

import {execFileSync} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';
import {join} from 'node:path';

/** One measured figure: what, how much, in what unit. */
export type Figure = {name: string; value: number; unit: 'ms' | 's' | '%' | 'rows' | 'MB'};

/** The machine a bench ran on: figures are only comparable on the same kind. */
export type Machine = {cpu: string; cores: number; memoryGiB: number; node: string; platform: string};

/** One `npm run bench`: when, where, at which commit, and every figure. */
export type BenchRun = {at: string; commit?: string; machine: Machine; figures: Figure[]};

/** This machine, as the bench records it. */
export function thisMachine(): Machine {
	const cpu = cpus()[0]?.model.trim() ?? 'unknown';
	return {cpu, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}`};
}

function commitOf(root: string): string | undefined {
	try {
		return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	} catch {
		return undefined;
	}
}

/** The newest earlier run saved in `dir`, if any. */
export function previousRun(dir: string): BenchRun | undefined {
	let files: string[];
	try {
		files = readdirSync(dir).filter(f => f.endsWith('.json')).sort();
	} catch {
		return undefined;
	}
	const newest = files.at(-1);
	return newest ? (JSON.parse(readFileSync(join(dir, newest), 'utf8')) as BenchRun) : undefined;
}

/** Saves a run as `<dir>/<time>.json`, beside the earlier ones; returns the file. */
export function saveRun(dir: string, figures: Figure[], root: string, at = new Date()): {file: string; run: BenchRun} {
	const run: BenchRun = {at: at.toISOString(), commit: commitOf(root), machine: thisMachine(), figures};
	mkdirSync(dir, {recursive: true});
	const file = join(dir, `${run.at.replace(/[:.]/g, '-')}.json`);
	writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
	return {file, run};
}

const show = (f: Pick<Figure, 'value' | 'unit'>) => (f.unit === 'ms' ? `${f.value.toFixed(0)} ms` : f.unit === 's' ? `${f.value.toFixed(1)} s` : f.unit === 'rows' ? `${f.value.toFixed(0)} rows` : f.unit === 'MB' ? `${f.value.toFixed(1)} MB` : `${f.value.toFixed(1)} %`);

/**
 * The run as one table: each figure, its value, the previous run's and the
 * change in percent (figures of another machine are shown but not compared).
 */
export function formatTable(run: BenchRun, previous?: BenchRun): string {
	const same = previous && previous.machine.cpu === run.machine.cpu && previous.machine.cores === run.machine.cores;
	const rows = run.figures.map(f => {
		const before = same ? previous.figures.find(p => p.name === f.name && p.unit === f.unit) : undefined;
		const change = before && before.value !== 0 ? `${f.value >= before.value ? '+' : ''}${(((f.value - before.value) / before.value) * 100).toFixed(1)} %` : '';
		return [f.name, show(f), before ? show(before) : '', change];
	});
	const header = ['figure', 'value', previous ? `previous (${previous.at.slice(0, 16)}${previous.commit ? ` ${previous.commit}` : ''})` : 'previous', 'change'];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)));
	const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
	const {machine} = run;
	return [
		`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}${previous && !same ? ' (the previous run was on another machine: not compared)' : ''}`,
		line(header),
		line(widths.map(w => '-'.repeat(w))),
		...rows.map(line),
	].join('\n');
}

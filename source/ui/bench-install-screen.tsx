import {PassThrough, Writable} from 'node:stream';
import {performance} from 'node:perf_hooks';
import type {AnswersInput, Role} from '../answers/schema.js';
import type {EngineEvent} from '../engine/events.js';
import {seedSampleHosts, streamingSample} from './sample-install.js';
import type {WizardServices} from './services.js';

/** What one run of the install screen benchmark measured. */
export type InstallScreenBench = {
	durationMs: number;
	/** CPU time of the whole process while the screen ran (user + system), in ms. */
	cpuMs: number;
	/** CPU time as a share of one core over the run, in percent. */
	cpuPercent: number;
	/** Times Ink laid out and drew the tree. */
	renders: number;
	/** Writes Ink made to the terminal. */
	writes: number;
	bytes: number;
	events: number;
};

/** What the first-frame benchmark measured. */
export type FirstFrameBench = {
	/** Loading the app's modules, when not loaded yet. */
	importMs: number;
	/** From render() to the first write to the terminal; undefined when CI is set (Ink then writes only at exit). */
	firstWriteMs: number | undefined;
	/** From render() to the first frame showing the wizard's first step. */
	wizardFrameMs: number;
};

/** A terminal of a fixed size that counts what is written to it. */
function fakeTerminal(columns: number, rows: number) {
	const counts = {writes: 0, bytes: 0, text: ''};
	const stdout = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			counts.writes++;
			counts.bytes += chunk.length;
			counts.text = String(chunk);
			stdout.emit('frame', counts.text);
			callback();
		},
	}) as Writable & {columns: number; rows: number; isTTY: boolean};
	stdout.columns = columns;
	stdout.rows = rows;
	stdout.isTTY = true;
	// What Ink needs of a terminal's stdin to turn raw mode on.
	const stdin = new PassThrough() as PassThrough & {isTTY: boolean; setRawMode: (mode: boolean) => void; ref: () => void; unref: () => void};
	stdin.isTTY = true;
	stdin.setRawMode = () => undefined;
	stdin.ref = () => undefined;
	stdin.unref = () => undefined;
	return {stdout: stdout as unknown as NodeJS.WriteStream & Writable, stdin: stdin as unknown as NodeJS.ReadStream, counts};
}

/**
 * Renders the install screen on a fake 120x40 terminal and feeds it nine
 * hosts streaming output (`linesPerSecond` lines per host, a new step every
 * ~2 s) for `durationMs`, delivering events as a live engine would. Prints
 * and returns the CPU used and the frames drawn.
 */
export async function benchInstallScreen(
	options: {durationMs?: number; linesPerSecond?: number; columns?: number; rows?: number; log?: (line: string) => void} = {},
): Promise<InstallScreenBench> {
	const {render} = await import('ink');
	const {InstallScreen} = await import('./install-screen.js');
	const durationMs = options.durationMs ?? 5000;
	const terminal = fakeTerminal(options.columns ?? 120, options.rows ?? 40);
	const answers = {
		version: 1,
		cluster: {name: 'produccion'},
		hosts: seedSampleHosts.map((host, i) => ({name: host.name, ip: `192.168.100.${i + 1}`, roles: host.roles as Role[]})),
		network: {vip: '192.168.100.56'},
		passwords: {superuser: '', replication: '', app: '', patroniApi: '', vrrp: '', backupCipher: ''},
	} satisfies AnswersInput;
	let events = 0;
	const install: WizardServices['install'] = async (_answers, onEvent) => {
		const stream = streamingSample({durationMs, linesPerSecond: options.linesPerSecond ?? 20, start: Date.now()});
		let next = 0;
		// Events leave when their time comes, checked every 10 ms, like output arriving from nine SSH sessions.
		await new Promise<void>(resolve => {
			const timer = setInterval(() => {
				const now = Date.now();
				while (next < stream.length && stream[next]!.at <= now) {
					onEvent(stream[next++] as EngineEvent);
					events++;
				}
				if (next >= stream.length) {
					clearInterval(timer);
					resolve();
				}
			}, 10);
		});
		return {ok: true, logFile: '/tmp/pgha-bench.log', answersFile: '/tmp/pgha-bench.yaml'};
	};
	const services = {install, readLog: async () => []};
	let renders = 0;
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	let finish: () => void = () => undefined;
	const finished = new Promise<void>(resolve => (finish = resolve));
	const instance = render(<InstallScreen services={services} answers={answers} onDone={() => finish()} />, {
		stdout: terminal.stdout,
		stdin: terminal.stdin,
		exitOnCtrlC: false,
		patchConsole: false,
		onRender: () => {
			renders++;
		},
	});
	await finished;
	const elapsed = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	instance.unmount();
	instance.cleanup();
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const result: InstallScreenBench = {
		durationMs: Math.round(elapsed),
		cpuMs: Math.round(cpuMs),
		cpuPercent: Math.round((cpuMs / elapsed) * 1000) / 10,
		renders,
		writes: terminal.counts.writes,
		bytes: terminal.counts.bytes,
		events,
	};
	(options.log ?? console.log)(
		`install screen: ${result.events} events over ${result.durationMs} ms, CPU ${result.cpuMs} ms (${result.cpuPercent}% of a core), ${result.renders} renders, ${result.writes} writes, ${result.bytes} bytes`,
	);
	return result;
}

/**
 * Measures how long the wizard takes to show its first step: from render() to
 * the first frame drawn (the cluster step) and to its write, on a fake 120x40
 * terminal. Prints and returns the times.
 */
export async function benchFirstFrame(options: {log?: (line: string) => void} = {}): Promise<FirstFrameBench> {
	const importStarted = performance.now();
	const {render} = await import('ink');
	const {App} = await import('./app.js');
	const importMs = performance.now() - importStarted;
	const terminal = fakeTerminal(120, 40);
	const services: WizardServices = {
		listSshKeys: async () => ['~/.ssh/id_ed25519'],
		checkHost: async () => ({ok: false, reachable: false, authenticated: false}),
		generatePassword: kind => (kind === 'vrrp' ? 'Bench123' : 'Bench-Password-0123456789'),
		savedClusters: async () => [],
		install: async () => ({ok: false, logFile: '', answersFile: ''}),
		readLog: async () => [],
	};
	let firstWriteMs: number | undefined;
	let wizardFrameMs: number | undefined;
	let started = 0;
	// Ink draws the first frame inside render(); with CI set it lays it out but does not write it.
	terminal.stdout.on('frame', () => {
		firstWriteMs ??= performance.now() - started;
	});
	started = performance.now();
	const instance = render(<App services={services} startInWizard onExit={() => {}} />, {
		stdout: terminal.stdout,
		stdin: terminal.stdin,
		exitOnCtrlC: false,
		patchConsole: false,
		onRender: () => {
			wizardFrameMs ??= performance.now() - started;
		},
	});
	const rendered = performance.now() - started;
	instance.unmount();
	instance.cleanup();
	const result: FirstFrameBench = {
		importMs: Math.round(importMs * 10) / 10,
		firstWriteMs: firstWriteMs === undefined ? undefined : Math.round(firstWriteMs * 10) / 10,
		wizardFrameMs: Math.round((wizardFrameMs ?? rendered) * 10) / 10,
	};
	(options.log ?? console.log)(`wizard first frame: ${result.wizardFrameMs} ms after render() (first write ${result.firstWriteMs ?? '-'} ms; modules ${result.importMs} ms)`);
	return result;
}

import {performance} from 'node:perf_hooks';
import {answersSchema, type AnswersInput, type Role} from '../source/answers/schema.js';
import type {EngineEvent} from '../source/app/events.js';
import type {WizardServices} from '../source/app/services.js';
import {fakeTerminal} from './fake-terminal.js';
import {seedSampleHosts, streamingSample} from './streaming-sample.js';

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
	const {InstallScreen} = await import('../source/ui/install-screen.js');
	const durationMs = options.durationMs ?? 5000;
	const terminal = fakeTerminal(options.columns ?? 120, options.rows ?? 40);
	const strong = 'Bench-Password-0123456789';
	const input = {
		version: 1,
		cluster: {name: 'produccion'},
		hosts: seedSampleHosts.map((host, i) => ({name: host.name, ip: `192.168.100.${i + 1}`, roles: host.roles as Role[]})),
		network: {vip: '192.168.100.56'},
		passwords: {superuser: strong, replication: strong, app: strong, patroniApi: strong, vrrp: 'Bench123', backupCipher: strong},
	} satisfies AnswersInput;
	// The screen reads only the hosts; parsing gives the answers the shape an install receives.
	const request = {input, answers: answersSchema.parse(input)};
	let events = 0;
	const install: WizardServices['install'] = async (_request, onEvent) => {
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
	const instance = render(<InstallScreen services={services} request={request} onDone={() => finish()} />, {
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


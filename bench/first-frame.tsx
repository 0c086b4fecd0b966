import {performance} from 'node:perf_hooks';
import type {WizardServices} from '../source/app/services.js';
import {fakeTerminal} from './fake-terminal.js';

/** What the first-frame benchmark measured. */
export type FirstFrameBench = {
	/** Loading the app's modules, when not loaded yet. */
	importMs: number;
	/** From render() to the first write to the terminal; undefined when CI is set (Ink then writes only at exit). */
	firstWriteMs: number | undefined;
	/** From render() to the first frame showing the wizard's first step. */
	wizardFrameMs: number;
};

/**
 * Measures how long the wizard takes to show its first step: from render() to
 * the first frame drawn (the cluster step) and to its write, on a fake 120x40
 * terminal. Prints and returns the times.
 */
export async function benchFirstFrame(options: {log?: (line: string) => void} = {}): Promise<FirstFrameBench> {
	const importStarted = performance.now();
	const {render} = await import('ink');
	const {App} = await import('../source/ui/app.js');
	const importMs = performance.now() - importStarted;
	const terminal = fakeTerminal(120, 40);
	const services: WizardServices = {
		listSshKeys: async () => ['~/.ssh/id_ed25519'],
		checkHost: async () => ({ok: false, reachable: false, authenticated: false}),
		inspectBundle: async () => ({ok: false, message: 'no bundle in the bench'}),
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

import {readFileSync} from 'node:fs';
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';
import type {EngineEvent} from '../../source/app/events.js';
import type {BundleInspection, HostCheck, InstallOutcome, InstallRequest, WizardServices} from '../../source/app/services.js';
import {sshSignature} from '../../source/ui/host-checks.js';
import {judgeStep, stepProblems} from '../../source/ui/step-problems.js';
import type {StepId, WizardState} from '../../source/ui/wizard-model.js';
import {createWizardState, reduceWizard, type WizardAction} from '../../source/ui/wizard-state.js';

/** Key sequences as a terminal sends them. */
export const keys = {
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	backspace: '\u007F',
	space: ' ',
	ctrlC: '\u0003',
} as const;

export type KeyName = keyof typeof keys;

const tick = () => new Promise<void>(resolve => setTimeout(resolve, 5));

/** A rendered Ink tree with helpers that write keys and wait for frames instead of sleeping. */
export type Driver = ReturnType<typeof render> & {
	/** Presses named keys one at a time, letting each be handled before the next. */
	press: (...names: KeyName[]) => Promise<void>;
	/** Types text as one paste. */
	type: (text: string) => Promise<void>;
	/** Waits until the last frame contains the text (or matches), failing with the last frame after `timeout` ms. */
	waitFor: (expected: string | RegExp | ((frame: string) => boolean), timeout?: number) => Promise<string>;
	/** Every frame rendered so far, joined: for checks that something never appeared. */
	everything: () => string;
};

/** Renders a tree for a test; with `plain`, frames are matched with colour sequences removed. */
export function drive(tree: ReactElement, options: {plain?: boolean} = {}): Driver {
	const instance = render(tree);
	const matches = (raw: string, expected: string | RegExp | ((frame: string) => boolean)) => {
		const frame = options.plain ? plain(raw) : raw;
		return typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame);
	};
	return {
		...instance,
		press: async (...names) => {
			for (const name of names) {
				// Input hooks subscribe in effects that run just after a frame is drawn.
				await tick();
				instance.stdin.write(keys[name]);
				// A lone Escape waits one setImmediate for a sequence that may follow.
				await tick();
			}
		},
		type: async text => {
			await tick();
			instance.stdin.write(text);
			await tick();
		},
		waitFor: async (expected, timeout = 3000) => {
			const deadline = Date.now() + timeout;
			for (;;) {
				const frame = instance.lastFrame() ?? '';
				if (matches(frame, expected)) return options.plain ? plain(frame) : frame;
				if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; last frame:\n${frame}`);
				await tick();
			}
		},
		everything: () => instance.frames.join('\n'),
	};
}

/** A host check that passes, with a fingerprint derived from the address. */
export function okCheck(ip: string): HostCheck {
	return {
		ok: true,
		reachable: true,
		authenticated: true,
		os: 'Debian GNU/Linux 12 (bookworm)',
		supported: true,
		fingerprint: `SHA256:${Buffer.from(`key-of-${ip}`).toString('base64').replace(/=+$/, '')}`,
		interfaces: ['eth0'],
	};
}

/**
 * Fake services: every host passes its check unless listed in `unreachable`;
 * a bundle path is found only when listed in `bundles`; calls are recorded.
 */
export function fakeServices(options: {
	keys?: string[];
	unreachable?: string[];
	bundles?: Record<string, BundleInspection>;
	saved?: string[];
	install?: (request: InstallRequest, onEvent: (event: EngineEvent) => void, signal: AbortSignal) => Promise<InstallOutcome>;
	logs?: Record<string, string[]>;
} = {}): WizardServices & {calls: {checkHost: string[]; inspectBundle: string[]; install: InstallRequest[]; readLog: string[]}} {
	const calls = {checkHost: [] as string[], inspectBundle: [] as string[], install: [] as InstallRequest[], readLog: [] as string[]};
	let counter = 0;
	return {
		calls,
		listSshKeys: async () => options.keys ?? ['~/.ssh/id_ed25519', '~/.ssh/id_rsa'],
		checkHost: async ip => {
			calls.checkHost.push(ip);
			if (options.unreachable?.includes(ip)) return {ok: false, reachable: false, authenticated: false, error: 'connect ETIMEDOUT'};
			return okCheck(ip);
		},
		inspectBundle: async path => {
			calls.inspectBundle.push(path);
			return options.bundles?.[path] ?? {ok: false, message: `no file at ${path}`};
		},
		generatePassword: kind => {
			counter++;
			if (kind === 'vrrp') return `Vr${counter}x9Zq`.slice(0, 8);
			if (kind === 'cipher') return `Generated-Cipher-Passphrase-${counter}-xYz123456`;
			return `Generated-Pass-${counter}-aB9`;
		},
		savedClusters: async () => options.saved ?? [],
		install: async (request, onEvent, signal) => {
			calls.install.push(request);
			if (options.install) return options.install(request, onEvent, signal);
			return {ok: true, logFile: '/tmp/pgha/install.log', answersFile: '/tmp/pgha/answers.yaml'};
		},
		readLog: async host => {
			calls.readLog.push(host);
			return options.logs?.[host] ?? [`log of ${host}`];
		},
	};
}

/** The seed's addresses by host name. */
export const seedIps: Record<string, string> = {
	postgres1: '192.168.100.1',
	postgres2: '192.168.100.2',
	postgres3: '192.168.100.3',
	etcd1: '192.168.100.4',
	etcd2: '192.168.100.7',
	etcd3: '192.168.100.8',
	haproxy1: '192.168.100.5',
	haproxy2: '192.168.100.6',
	pgbackrestRepo: '192.168.100.9',
};

/**
 * A wizard that reached `step` the way a person would: each earlier step
 * filled with the seed's values and passed through Next (which must accept it).
 */
export function wizardAt(step: StepId, generate: WizardServices['generatePassword'] = fakeServices().generatePassword): WizardState {
	let state = createWizardState(generate);
	const apply = (action: WizardAction) => {
		state = reduceWizard(state, action);
	};
	const next = () => {
		const from = state.step;
		apply({type: 'next'});
		if (state.step === from) throw new Error(`Next refused on ${from}: ${JSON.stringify(stepProblems(state, from))}`);
	};
	apply({type: 'set-cluster', field: 'name', value: 'produccion'});
	if (step === 'cluster') return state;
	next();
	apply({type: 'keys-found', keys: ['~/.ssh/id_ed25519', '~/.ssh/id_rsa']});
	if (step === 'ssh') return state;
	next();
	for (const host of state.hosts) {
		const ip = seedIps[host.name]!;
		apply({type: 'set-host', id: host.id, field: 'ip', value: ip});
		apply({type: 'check-started', id: host.id, ip, ssh: sshSignature(state.ssh)});
		apply({type: 'check-finished', id: host.id, ip, ssh: sshSignature(state.ssh), result: okCheck(ip)});
	}
	apply({type: 'accept-all-keys'});
	if (step === 'hosts') return state;
	next();
	apply({type: 'set-network', field: 'vip', value: '192.168.100.56'});
	if (step === 'network') return state;
	next();
	if (step === 'packages') return state;
	next();
	if (step === 'passwords') return state;
	next();
	if (step === 'backup') return state;
	next();
	if (step === 'failover') return state;
	next();
	return state;
}

/** What the review step of `wizardAt('review')` hands to the install: the validated answers and their input. */
export function reviewRequest(): InstallRequest {
	const {input, answers} = judgeStep(wizardAt('review'), 'review');
	if (!answers) throw new Error('the review step did not validate the seed answers');
	return {input, answers};
}

/** Removes colour and style sequences, for reading frames rendered with colour on. */
export function plain(text: string): string {
	return text.replace(/\u001B\[[0-9;]*m/g, '');
}

/** A recorded event stream from test/ui/fixtures. */
export function recording(name: 'install-9-hosts' | 'install-9-hosts-failed'): EngineEvent[] {
	return JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8')) as EngineEvent[];
}

/**
 * An install that replays recorded events as the engine would send them (each
 * stamped when sent), a few at a time, then returns `outcome`. With
 * `untilAborted`, it stops after `stopAfter` events and waits for the signal.
 */
export function replayInstall(events: EngineEvent[], options: {outcome?: InstallOutcome; perTick?: number; stopAfter?: number; untilAborted?: boolean} = {}) {
	return async (_request: InstallRequest, onEvent: (event: EngineEvent) => void, signal: AbortSignal): Promise<InstallOutcome> => {
		const perTick = options.perTick ?? 40;
		const upTo = options.stopAfter ?? events.length;
		for (let i = 0; i < upTo; i++) {
			if (signal.aborted) break;
			onEvent({...events[i]!, at: Date.now()});
			if (i % perTick === perTick - 1) await new Promise(resolve => setTimeout(resolve, 1));
		}
		if (options.untilAborted && !signal.aborted) await new Promise(resolve => signal.addEventListener('abort', resolve, {once: true}));
		const last = events.at(-1);
		const ok = signal.aborted ? false : last?.type === 'run-finished' ? last.ok : true;
		return options.outcome ?? {ok, logFile: '/var/log/pgha/produccion/install.log', answersFile: '/root/.config/pgha/produccion.yaml'};
	};
}

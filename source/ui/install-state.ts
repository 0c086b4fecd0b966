import type {EngineEvent, PhaseName} from '../app/events.js';

/** How many output lines a pane keeps (it shows 3 to 5 of them, by screen size). */
export const paneLines = 5;

/** Where a host is in the run. */
export type PaneStatus = 'waiting' | 'running' | 'idle' | 'done' | 'failed' | 'skipped';

/** The failing step of a host: what ran, what it said. */
export type PaneFailure = {phase: PhaseName; step: string; command?: string; error: string; output: string[]};

/** One host's pane. */
export type HostPane = {
	name: string;
	roles: string[];
	status: PaneStatus;
	phase?: PhaseName;
	step?: string;
	stepStartedAt?: number;
	/** Steps under way, oldest first: a phase that runs alongside others puts two at work on one host. */
	inFlight?: Array<{phase: PhaseName; step: string; at: number}>;
	startedAt?: number;
	endedAt?: number;
	/** The last output lines, oldest first, cleaned of terminal control sequences. */
	lines: string[];
	changed: number;
	unchanged: number;
	failure?: PaneFailure;
	skipped?: string;
};

/** A finished line for <Static>: printed once above the live panes. */
export type FinishedLine = {
	id: number;
	kind: 'step' | 'failed' | 'phase' | 'skipped' | 'check' | 'run';
	ok: boolean;
	text: string;
	host?: string;
	detail?: string;
};

/** One phase of the run and where it is. */
export type PhaseState = {name: PhaseName; status: 'pending' | 'running' | 'ok' | 'failed'; startedAt?: number; endedAt?: number};

/** Everything the install screen shows, built only from engine events. */
export type InstallState = {
	cluster?: string;
	logFile?: string;
	startedAt?: number;
	/** Time of the latest event: the clock when replaying a recording. */
	lastAt?: number;
	phases: PhaseState[];
	hosts: HostPane[];
	finished: FinishedLine[];
	steps: {done: number; changed: number; unchanged: number; failed: number};
	result?: {ok: boolean; changed: number; unchanged: number; logFile: string; at: number};
	events: number;
};

/** The state before the first event. */
export function createInstallState(hosts: Array<{name: string; roles: string[]}> = []): InstallState {
	return {
		phases: [],
		hosts: hosts.map(host => newPane(host.name, host.roles)),
		finished: [],
		steps: {done: 0, changed: 0, unchanged: 0, failed: 0},
		events: 0,
	};
}

/** Applies one engine event. Pure: the screen is a function of the events seen so far. */
export function reduceInstall(state: InstallState, event: EngineEvent): InstallState {
	const next: InstallState = {...state, events: state.events + 1, lastAt: Math.max(state.lastAt ?? 0, event.at)};
	switch (event.type) {
		case 'run-started': {
			const known = new Map(state.hosts.map(pane => [pane.name, pane]));
			return {
				...next,
				cluster: event.cluster,
				logFile: event.logFile,
				startedAt: event.at,
				phases: event.phases.map(name => ({name, status: 'pending'})),
				hosts: event.hosts.map(host => ({...(known.get(host.name) ?? newPane(host.name, host.roles)), roles: host.roles})),
			};
		}
		case 'phase-started':
			return {
				...next,
				phases: upsertPhase(state.phases, event.phase, phase => ({...phase, status: 'running', startedAt: event.at})),
			};
		case 'phase-finished': {
			const phases = upsertPhase(state.phases, event.phase, phase => ({...phase, status: event.ok ? 'ok' : 'failed', endedAt: event.at}));
			const phase = phases.find(p => p.name === event.phase)!;
			const took = phase.startedAt === undefined ? '' : ` in ${formatDuration(event.at - phase.startedAt)}`;
			return {
				...next,
				phases,
				finished: [...state.finished, {id: state.finished.length, kind: 'phase', ok: event.ok, text: `${event.ok ? 'finished' : 'failed'} phase ${event.phase}${took}`}],
			};
		}
		case 'step-started':
			return updatePane(next, event.host, pane => ({
				...pane,
				status: 'running',
				phase: event.phase,
				step: event.step,
				stepStartedAt: event.at,
				inFlight: [...(pane.inFlight ?? []), {phase: event.phase, step: event.step, at: event.at}],
				startedAt: pane.startedAt ?? event.at,
			}));
		case 'step-finished': {
			const pane = state.hosts.find(p => p.name === event.host);
			const ended = pane?.inFlight?.find(s => s.phase === event.phase && s.step === event.step);
			const inFlight = (pane?.inFlight ?? []).filter(s => s !== ended);
			// The pane goes on showing a step still at work (the latest), else waits.
			const still = inFlight.at(-1);
			const updated = updatePane(next, event.host, pane => ({
				...pane,
				status: pane.status === 'failed' ? 'failed' : still ? 'running' : 'idle',
				...(still ? {phase: still.phase, step: still.step, stepStartedAt: still.at} : {}),
				inFlight,
				changed: pane.changed + (event.changed ? 1 : 0),
				unchanged: pane.unchanged + (event.changed ? 0 : 1),
				endedAt: event.at,
			}));
			const took = ended ? ` · ${formatDuration(event.at - ended.at)}` : '';
			return {
				...updated,
				steps: {
					...state.steps,
					done: state.steps.done + 1,
					changed: state.steps.changed + (event.changed ? 1 : 0),
					unchanged: state.steps.unchanged + (event.changed ? 0 : 1),
				},
				finished: [
					...state.finished,
					{
						id: state.finished.length,
						kind: 'step',
						ok: true,
						host: event.host,
						text: `${event.phase} › ${event.step}`,
						detail: `${event.changed ? 'changed' : 'already as wanted'}${took}`,
					},
				],
			};
		}
		case 'step-failed': {
			const output = event.output.map(cleanLine);
			const updated = updatePane(next, event.host, pane => ({
				...pane,
				status: 'failed',
				phase: event.phase,
				step: event.step,
				endedAt: event.at,
				failure: {phase: event.phase, step: event.step, ...(event.command ? {command: cleanLine(event.command)} : {}), error: cleanLine(event.error), output},
				lines: output.length > 0 ? output.slice(-paneLines) : pane.lines,
			}));
			return {
				...updated,
				steps: {...state.steps, failed: state.steps.failed + 1},
				finished: [
					...state.finished,
					{id: state.finished.length, kind: 'failed', ok: false, host: event.host, text: `${event.phase} › ${event.step}`, detail: cleanLine(event.error)},
				],
			};
		}
		case 'drift':
			return state;
		case 'output':
			return updatePane(next, event.host, pane => ({...pane, lines: appendLine(pane.lines, cleanLine(event.line))}));
		case 'host-skipped': {
			const updated = updatePane(next, event.host, pane => ({...pane, status: pane.status === 'failed' ? 'failed' : 'skipped', skipped: event.reason}));
			return {
				...updated,
				finished: [...state.finished, {id: state.finished.length, kind: 'skipped', ok: false, host: event.host, text: `skipped ${event.phase}`, detail: event.reason}],
			};
		}
		case 'check':
			return {
				...next,
				finished: [...state.finished, {id: state.finished.length, kind: 'check', ok: event.ok, text: event.name, detail: event.evidence}],
			};
		case 'run-finished':
			return {
				...next,
				logFile: event.logFile,
				result: {ok: event.ok, changed: event.changed, unchanged: event.unchanged, logFile: event.logFile, at: event.at},
				hosts: next.hosts.map(pane =>
					pane.status === 'failed' || pane.status === 'skipped' ? pane : {...pane, status: event.ok ? 'done' : 'idle', step: event.ok ? undefined : pane.step},
				),
				finished: [
					...state.finished,
					{
						id: state.finished.length,
						kind: 'run',
						ok: event.ok,
						text: event.ok ? 'install finished' : 'install failed',
						detail: `${event.changed} changed, ${event.unchanged} already as wanted`,
					},
				],
			};
	}
}

/** The phase running now, or the last one that ran. */
export function currentPhase(state: InstallState): PhaseState | undefined {
	return state.phases.find(p => p.status === 'running') ?? [...state.phases].reverse().find(p => p.status !== 'pending');
}

/** "1m05s" or "42s". */
export function formatDuration(ms: number): string {
	const seconds = Math.max(Math.floor(ms / 1000), 0);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * One output line as the screen can show it: colour and cursor sequences
 * removed, a carriage-return progress line reduced to its last state, tabs
 * expanded, and a length cap, so remote output cannot break the layout.
 */
export function cleanLine(line: string): string {
	const withoutEscapes = line
		.replace(/\u001B\][^\u0007\u001B]*(\u0007|\u001B\\)/g, '')
		.replace(/\u001B\[[0-9;?]*[ -/]*[@-~]/g, '')
		.replace(/\u001B[@-Z\\-_]/g, '');
	const lastSegment = withoutEscapes.split('\r').filter(part => part !== '').pop() ?? '';
	return lastSegment
		.replace(/\t/g, '    ')
		.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
		.slice(0, 400);
}

function newPane(name: string, roles: string[]): HostPane {
	return {name, roles, status: 'waiting', lines: [], changed: 0, unchanged: 0};
}

function appendLine(lines: string[], line: string): string[] {
	return lines.length < paneLines ? [...lines, line] : [...lines.slice(lines.length - paneLines + 1), line];
}

function updatePane(state: InstallState, host: string, update: (pane: HostPane) => HostPane): InstallState {
	const index = state.hosts.findIndex(pane => pane.name === host);
	if (index < 0) return {...state, hosts: [...state.hosts, update(newPane(host, []))]};
	const hosts = state.hosts.slice();
	hosts[index] = update(hosts[index]!);
	return {...state, hosts};
}

function upsertPhase(phases: PhaseState[], name: PhaseName, update: (phase: PhaseState) => PhaseState): PhaseState[] {
	const index = phases.findIndex(p => p.name === name);
	if (index < 0) return [...phases, update({name, status: 'pending'})];
	const next = phases.slice();
	next[index] = update(next[index]!);
	return next;
}

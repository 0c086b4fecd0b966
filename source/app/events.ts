import type {PhaseName} from '../phases.js';

export type {PhaseName};

/**
 * What the engine reports while it works. The Ink install screen, the plain
 * line logger and the run log file all consume this one stream.
 */
export type EngineEvent =
	| {type: 'run-started'; cluster: string; hosts: Array<{name: string; roles: string[]}>; phases: PhaseName[]; logFile: string; at: number}
	| {type: 'phase-started'; phase: PhaseName; hosts: string[]; at: number}
	| {type: 'phase-finished'; phase: PhaseName; ok: boolean; at: number}
	| {type: 'step-started'; host: string; phase: PhaseName; step: string; at: number}
	/** `changed` is false when the check found the host already matching. */
	| {type: 'step-finished'; host: string; phase: PhaseName; step: string; changed: boolean; at: number}
	| {type: 'step-failed'; host: string; phase: PhaseName; step: string; command?: string; error: string; output: string[]; at: number}
	| {type: 'output'; host: string; stream: 'stdout' | 'stderr'; line: string; at: number}
	/** `repair --check`: a step whose check found the host not matching; nothing was changed. */
	| {type: 'drift'; host: string; phase: PhaseName; step: string; detail: string[]; at: number}
	| {type: 'host-skipped'; host: string; phase: PhaseName; reason: string; at: number}
	| {type: 'check'; name: string; ok: boolean; evidence: string; at: number}
	| {type: 'run-finished'; ok: boolean; changed: number; unchanged: number; logFile: string; at: number};

export type EngineEventType = EngineEvent['type'];

/** Receives engine events; must not throw. */
export type EventSink = (event: EngineEvent) => void;

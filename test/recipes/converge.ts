import type {Answers} from '../../source/answers/schema.js';
import type {EngineEvent} from '../../source/app/events.js';
import {buildPhases, type Phase} from '../../source/engine/phases.js';
import {collectEvents, runPhases, type RunMode, type RunOutcome} from '../../source/engine/runner.js';
import type {RunContext, StepContext} from '../../recipes/kit/step.js';
import {remoteShell} from '../../recipes/kit/remote-shell.js';
import type {PhaseName} from '../../source/phases.js';
import type {FakeCluster} from './fake-cluster.js';
import {clusterKeys} from '../keys/fixtures.js';

/** A run's context over the fake hosts, with the cluster's test keys. */
export async function fakeContext(cluster: FakeCluster, answers: Answers): Promise<RunContext> {
	return {answers, keys: await clusterKeys(answers), facts: new Map(), identities: new Map(), connections: cluster.connections(), signal: new AbortController().signal};
}

/** The install's phases up to and including `last` (all of them without it). */
export function phasesThrough(answers: Answers, last?: PhaseName): Phase[] {
	const phases = buildPhases(answers);
	const end = last ? phases.findIndex(p => p.name === last) : phases.length - 1;
	if (end < 0) throw new Error(`no phase ${last}`);
	return phases.slice(0, end + 1);
}

/** Runs phases on the fake hosts as install and repair do, collecting the events. */
export async function converge(cluster: FakeCluster, answers: Answers, phases: Phase[], mode: RunMode = 'apply'): Promise<{outcome: RunOutcome; events: EngineEvent[]; context: RunContext}> {
	const {events, sink} = collectEvents();
	const context = await fakeContext(cluster, answers);
	const outcome = await runPhases(phases, context, sink, mode);
	return {outcome, events, context};
}

/** A step's context on one host, as the runner makes it, for calling a step's check directly. */
export function stepContext(context: RunContext, hostName: string): StepContext {
	const conn = context.connections.get(hostName)!;
	const touched = new Map<string, 'reload' | 'restart'>();
	const run: StepContext['run'] = (script, options = {}) => conn.run(script, options);
	return {
		...context,
		host: context.answers.hosts.find(h => h.name === hostName)!,
		conn,
		run,
		$: remoteShell(run),
		touched,
		touch: (service, how) => void touched.set(service, how),
	};
}

/** Why a run failed, for a readable test failure. */
export function failures(events: EngineEvent[]): string[] {
	return events.flatMap(e => (e.type === 'step-failed' ? [`${e.host} ${e.step}: ${e.error} ${e.command ?? ''} ${e.output.join(' | ')}`] : []));
}

/** The steps that changed something, as "host: step". */
export function changedSteps(events: EngineEvent[], phase?: PhaseName): string[] {
	return events.flatMap(e => (e.type === 'step-finished' && e.changed && (!phase || e.phase === phase) ? [`${e.host}: ${e.step}`] : []));
}

/** The drift events, as "host: step". */
export function drifts(events: EngineEvent[]): Array<Extract<EngineEvent, {type: 'drift'}>> {
	return events.filter((e): e is Extract<EngineEvent, {type: 'drift'}> => e.type === 'drift');
}

import type {PhaseName} from '../phases.js';
import type {EngineEvent, EventSink} from '../app/events.js';
import type {Phase} from './phases.js';
import type {RunContext, Step, StepContext} from '../../recipes/kit/step.js';
import {batchedChecks} from './batched-checks.js';
import {remoteShell} from '../../recipes/kit/remote-shell.js';
import {RemoteCommandError} from '../transport/ssh.js';
import type {RunOptions} from '../transport/ssh.js';

/** How a run ended, and where it stopped when it failed. */
export type RunOutcome = {ok: boolean; changed: number; unchanged: number; drifted?: number; failed?: {host: string; phase: PhaseName; step: string}};

/** apply: make every host match. check: only report what does not match (drift), changing nothing. */
export type RunMode = 'apply' | 'check';

/** Why a step failed, in the words the failure view and the log show. */
function describeFailure(error: unknown): {error: string; command?: string; output: string[]} {
	if (error instanceof RemoteCommandError) {
		const lines = `${error.result.stdout}\n${error.result.stderr}`.split('\n').filter(line => line.trim() !== '');
		return {error: error.message, command: error.command, output: lines.slice(-15)};
	}
	return {error: error instanceof Error ? error.message : String(error), output: []};
}

/** What a host's steps see in a phase: the run, the host, its connection, and a run function that streams output as events. */
function stepContext(context: RunContext, hostName: string, emit: EventSink, touched: StepContext['touched']): StepContext {
	const host = context.answers.hosts.find(h => h.name === hostName)!;
	const conn = context.connections.get(hostName)!;
	const run: StepContext['run'] = (script, options: RunOptions & {quiet?: boolean} = {}) =>
		conn.run(script, {
			...options,
			onLine: options.quiet ? undefined : (stream, line) => emit({type: 'output', host: hostName, stream, line, at: Date.now()}),
		});
	return {
		...context,
		host,
		conn,
		touched,
		run,
		$: remoteShell(run),
		touch(service, how) {
			if (touched.get(service) !== 'restart') touched.set(service, how);
		},
	};
}

/**
 * Runs phases as soon as they may start. A phase waits for the earlier phases
 * it names (`after`; all earlier ones when it names none), and each host
 * starts it only once it finished its own earlier phases (but for one marked
 * `alongside`, which only the phases naming it wait for): on hosts that are
 * ready, etcd and the balancers go ahead while PostgreSQL's packages still
 * install elsewhere. Within a phase every host runs its steps in parallel
 * (unless the phase is serial). A failure lets the hosts already at work
 * finish their phase and starts nothing more, so a re-run carries on from there.
 * `onPhaseFinished` hears each phase that ended well, before anything waiting for it starts.
 */
export async function runPhases(phases: Phase[], context: RunContext, emit: EventSink, mode: RunMode = 'apply', onPhaseFinished?: (phase: Phase) => Promise<void>): Promise<RunOutcome> {
	const outcome: RunOutcome = {ok: true, changed: 0, unchanged: 0, ...(mode === 'check' ? {drifted: 0} : {})};
	const now = () => Date.now();
	const stopped = () => !outcome.ok || context.signal.aborted;
	// Changes made so far in this run: answers gathered before one are asked again, live.
	let changes = 0;
	// Per host for the whole run: a file written in one phase restarts its service in a later one (PgBouncer's, written alongside PostgreSQL's start).
	const touchedOn = new Map<string, StepContext['touched']>();
	const touched = (hostName: string) => touchedOn.get(hostName) ?? touchedOn.set(hostName, new Map()).get(hostName)!;
	const build = (phase: Phase, hostName: string) => {
		const ctx = stepContext(context, hostName, emit, touched(hostName));
		return {ctx, steps: phase.steps(ctx.host, context)};
	};
	// Before anything changes, every phase's checks on a host are asked at once, in a few round trips: on a
	// cluster that already matches (a re-run, repair --check) each phase then walks its steps without waiting.
	// A phase whose steps need what an earlier one learns (the backup phase, the SSH identities) is left to ask its own.
	const built = new Map<Phase, Map<string, ReturnType<typeof build>>>();
	const upfront = new Map<string, Promise<Map<Step, boolean>>>();
	for (const hostName of new Set(phases.flatMap(p => p.hosts))) {
		const mine = phases.flatMap(phase => {
			if (!phase.hosts.includes(hostName)) return [];
			try {
				const made = build(phase, hostName);
				built.set(phase, (built.get(phase) ?? new Map()).set(hostName, made));
				return [made];
			} catch {
				return [];
			}
		});
		if (mine.length > 0) upfront.set(hostName, batchedChecks(mine.flatMap(m => m.steps), mine[0]!.ctx));
	}
	/** A host's context and steps for a phase, with its checks answered in batches: the run's early answers while nothing changed, else asked now. */
	const prepare = (phase: Phase, hostName: string) => {
		const made = built.get(phase)?.get(hostName) ?? build(phase, hostName);
		const changesBefore = changes;
		const early = changes === 0 && upfront.has(hostName) && built.get(phase)?.has(hostName) ? upfront.get(hostName)! : batchedChecks(made.steps, made.ctx);
		return {...made, early, stale: () => changes !== changesBefore};
	};
	const runHost = async (phase: Phase, hostName: string, prepared: ReturnType<typeof prepare>): Promise<boolean> => {
		const {ctx, steps} = prepared;
		// Every check answered in a few round trips; once the run changed something, checks are asked live again.
		const early = prepared.stale() ? new Map<Step, boolean>() : await prepared.early.catch(() => new Map<Step, boolean>());
		let changedHere = false;
		const matches = async (step: Step) => (!changedHere && !prepared.stale() && early.has(step) ? early.get(step)! : step.check!(ctx));
		for (const step of steps) {
			if (context.signal.aborted) return false;
			// A step that cannot say whether it matches is never run just to report drift.
			if (mode === 'check' && !step.check) continue;
			emit({type: 'step-started', host: hostName, phase: phase.name, step: step.name, at: now()});
			try {
				if (step.check && (await matches(step))) {
					outcome.unchanged++;
					emit({type: 'step-finished', host: hostName, phase: phase.name, step: step.name, changed: false, at: now()});
					continue;
				}
				if (mode === 'check') {
					outcome.drifted!++;
					const detail = (await step.explain?.(ctx).catch(error => [`(could not describe: ${String(error)})`])) ?? [];
					emit({type: 'drift', host: hostName, phase: phase.name, step: step.name, detail, at: now()});
					continue;
				}
				changedHere = true;
				changes++;
				await step.apply(ctx);
				if (step.check && !(await step.check(ctx))) throw new Error('the change was made but the host still does not match; see the output above');
				outcome.changed++;
				emit({type: 'step-finished', host: hostName, phase: phase.name, step: step.name, changed: true, at: now()});
			} catch (error) {
				emit({type: 'step-failed', host: hostName, phase: phase.name, step: step.name, ...describeFailure(error), at: now()});
				outcome.failed ??= {host: hostName, phase: phase.name, step: step.name};
				return false;
			}
		}
		return true;
	};

	// Each phase's end, and each host's end of each phase, as promises the later ones wait on.
	const phaseDone: Array<Promise<boolean>> = [];
	const hostDone: Array<Map<string, Promise<boolean>>> = [];
	phases.forEach((phase, i) => {
		const earlier = phases.slice(0, i);
		const waitsFor = earlier.flatMap((p, j) => (phase.after === undefined || phase.after.includes(p.name) ? [phaseDone[j]!] : []));
		// A phase that runs alongside is waited for only by the phases that name it.
		const ownEarlier = (host: string) =>
			earlier.flatMap((p, j) => (p.alongside && !phase.after?.includes(p.name) ? [] : [hostDone[j]!.get(host)].filter((done): done is Promise<boolean> => done !== undefined)));
		let started = false;
		const start = () => {
			if (started) return;
			started = true;
			emit({type: 'phase-started', phase: phase.name, hosts: phase.hosts, at: now()});
		};
		const whole = Promise.all(waitsFor).then(all => all.every(Boolean));
		const hostRuns = new Map<string, Promise<boolean>>();
		let previous: Promise<boolean> = Promise.resolve(true);
		for (const host of phase.hosts) {
			const turn = previous;
			const done = (async () => {
				if (!((await whole) && (await Promise.all(ownEarlier(host))).every(Boolean)) || stopped()) return false;
				// In a serial phase a host's checks are asked while the hosts before it work; its changes still wait its turn.
				const prepared = prepare(phase, host);
				if (phase.serial && !(await turn)) return false;
				if (stopped()) return false;
				start();
				return runHost(phase, host, prepared);
			})();
			hostRuns.set(host, done);
			previous = done;
		}
		hostDone.push(hostRuns);
		phaseDone.push(
			(async () => {
				const ok = (await Promise.all(hostRuns.values())).every(Boolean);
				// A phase with no host to touch still ends, so what waits for it goes on.
				if (phase.hosts.length === 0 && (await whole) && !stopped()) start();
				if (!started) return false;
				if (ok && onPhaseFinished) await onPhaseFinished(phase);
				emit({type: 'phase-finished', phase: phase.name, ok, at: now()});
				if (!ok) outcome.ok = false;
				return ok;
			})(),
		);
	});
	await Promise.all(phaseDone);
	if (context.signal.aborted) outcome.ok = false;
	return outcome;
}

/** Collects events (for tests and for the summary after a run). */
export function collectEvents(): {events: EngineEvent[]; sink: EventSink} {
	const events: EngineEvent[] = [];
	return {events, sink: event => events.push(event)};
}

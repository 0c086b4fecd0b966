import {expect} from 'vitest';
import type {Answers} from '../../source/answers/schema.js';
import type {PhaseName} from '../../source/phases.js';
import {example, withStatsPassword} from '../answers/fixtures.js';
import {FakeCluster} from './fake-cluster.js';
import {changedSteps, converge, drifts, failures, phasesThrough, stepContext} from './converge.js';

/** What an idempotency run returns for further assertions. */
export type Converged = {answers: Answers; cluster: FakeCluster; firstChanged: string[]; changedIn: (phase: PhaseName) => string[]};

/**
 * Installs the compact example on fresh fake hosts up to `phase` and proves
 * the phase's steps (those `which` selects) idempotent: the first run changes
 * things, every check then passes, a second run changes and restarts nothing,
 * and a check run reports no drift.
 */
export async function provesIdempotent(phase: PhaseName, which: (step: string) => boolean = () => true): Promise<Converged> {
	const answers = withStatsPassword(example('compact'));
	const cluster = FakeCluster.of(answers);
	const phases = phasesThrough(answers, phase);
	const first = await converge(cluster, answers, phases);
	expect(failures(first.events)).toEqual([]);
	expect(first.outcome.ok).toBe(true);
	const firstChanged = changedSteps(first.events, phase).filter(s => which(s.replace(/^[^:]+: /, '')));

	for (const p of phases.filter(p => p.name === phase))
		for (const host of p.hosts) {
			const ctx = stepContext(first.context, host);
			for (const step of p.steps(ctx.host, first.context).filter(s => which(s.name) && s.check)) expect(`${host}: ${step.name} ${await step.check!(ctx)}`).toBe(`${host}: ${step.name} true`);
		}

	const actions = cluster.serviceActions();
	const second = await converge(cluster, answers, phases);
	expect(failures(second.events)).toEqual([]);
	expect(second.outcome).toMatchObject({ok: true, changed: 0});
	expect(changedSteps(second.events)).toEqual([]);
	expect(cluster.serviceActions()).toEqual(actions);

	const check = await converge(cluster, answers, phases, 'check');
	expect(check.outcome).toMatchObject({ok: true, drifted: 0});
	expect(drifts(check.events)).toEqual([]);
	expect(cluster.serviceActions()).toEqual(actions);
	expect(cluster.unknown()).toEqual([]);
	return {answers, cluster, firstChanged, changedIn: name => changedSteps(first.events, name)};
}

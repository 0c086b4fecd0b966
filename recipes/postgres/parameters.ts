import type {Answers} from '../../source/answers/schema.js';
import {findParameter, normaliseParameter, type ParameterValue} from '../../source/answers/pg-parameters.js';
import {shQuote} from '../../source/transport/quote.js';
import type {Step, StepContext} from '../kit/step.js';
import {waitFor} from '../kit/wait-for.js';
import {isPrimary, patroniDynamicConfig, patronictl} from './probes.js';
import {baseParameters} from './render.js';

/** One PostgreSQL parameter whose value in Patroni's dynamic configuration differs from the answers'. */
export type ParameterDifference = {
	/** The name as the configuration holds it (when it holds it), else as the answers write it. */
	name: string;
	/** The value in the configuration; absent when it is not set there. */
	live?: unknown;
	/** The answers' value; absent when the answers no longer set it, so it is removed. */
	wanted?: ParameterValue;
};

/** The answers' PostgreSQL parameters (none when the answers set none). */
export function wantedParameters(answers: Answers): Record<string, ParameterValue> {
	return answers.postgresql?.parameters ?? {};
}

const lowerKeys = (record: Record<string, unknown>) => new Map(Object.entries(record).map(([name, value]) => [name.toLowerCase(), {name, value}]));

/**
 * The parameters in Patroni's dynamic configuration (postgresql.parameters)
 * that differ from the answers, compared as PostgreSQL normalises them
 * ("128MB" is 16384 shared buffers): each one the answers set differently
 * or not at all, and each one the configuration holds that neither the
 * answers nor pgha's own base parameters name, which is removed. Pure.
 */
export function parameterDifferences(answers: Answers, dynamic: Record<string, unknown>): ParameterDifference[] {
	const postgresql = dynamic['postgresql'];
	const liveParameters = postgresql && typeof postgresql === 'object' && !Array.isArray(postgresql) ? ((postgresql as Record<string, unknown>)['parameters'] ?? {}) : {};
	const live = lowerKeys(typeof liveParameters === 'object' && liveParameters !== null ? (liveParameters as Record<string, unknown>) : {});
	const wanted = wantedParameters(answers);
	const base = new Set(Object.keys(baseParameters(answers)).map(name => name.toLowerCase()));
	const changed = Object.entries(wanted).flatMap(([name, value]): ParameterDifference[] => {
		const now = live.get(name.toLowerCase());
		if (now && normaliseParameter(name, now.value) === normaliseParameter(name, value)) return [];
		return [{name: now?.name ?? name, ...(now ? {live: now.value} : {}), wanted: value}];
	});
	const wantedNames = new Set(Object.keys(wanted).map(name => name.toLowerCase()));
	const removed = [...live.entries()].filter(([lower]) => !wantedNames.has(lower) && !base.has(lower)).map(([, now]) => ({name: now.name, live: now.value}));
	return [...changed, ...removed];
}

const shown = (value: unknown) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));

/** A difference as the drift report names it: "shared_buffers 128MB -> 256MB", "work_mem unset -> 16MB", "jit off -> removed". */
export function describeParameterDifference(difference: ParameterDifference): string {
	const restart = findParameter(difference.name)?.spec.context === 'postmaster' ? ' (needs a restart)' : '';
	const live = 'live' in difference ? shown(difference.live) : 'unset';
	return `${difference.name} ${live} -> ${difference.wanted === undefined ? 'removed' : shown(difference.wanted)}${restart}`;
}

/**
 * One `patronictl edit-config -s` argument: the value as YAML patronictl reads
 * back unchanged (strings JSON-quoted, so "on" or "0x10" stay text; a boolean
 * as on/off, as PostgreSQL writes it), or null, which removes the key. Pure.
 */
export function editConfigArgument(difference: ParameterDifference): string {
	const {wanted} = difference;
	const value = wanted === undefined ? 'null' : typeof wanted === 'number' ? String(wanted) : JSON.stringify(typeof wanted === 'boolean' ? (wanted ? 'on' : 'off') : wanted);
	return `-s ${shQuote(`postgresql.parameters.${difference.name}=${value}`)}`;
}

/**
 * The answers' PostgreSQL parameters in Patroni's dynamic configuration,
 * which every member applies on its next loop: a reload for most, a pending
 * restart for the postmaster ones (the run's restart phase takes care of
 * those). Done once, on the primary, beside the cluster settings.
 */
export function parametersStep(answers: Answers): Step {
	const differences = async (ctx: StepContext) => parameterDifferences(answers, await patroniDynamicConfig(ctx.run));
	return {
		name: 'PostgreSQL parameters in Patroni\'s cluster configuration',
		async check(ctx) {
			if (!(await isPrimary(ctx.run))) return true;
			return (await differences(ctx)).length === 0;
		},
		explain: async ctx => (await differences(ctx)).map(describeParameterDifference),
		async apply(ctx) {
			const changes = await differences(ctx);
			if (changes.length === 0) return;
			await ctx.run(`${patronictl} edit-config --force ${changes.map(editConfigArgument).join(' ')}`);
			await waitFor('Patroni on this node to see the new PostgreSQL parameters', async () => (await differences(ctx)).length === 0, 30_000);
		},
	};
}

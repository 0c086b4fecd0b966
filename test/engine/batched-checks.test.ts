import {describe, expect, test} from 'vitest';
import {collectEvents, runPhases} from '../../source/engine/runner.js';
import type {Phase} from '../../source/engine/phases.js';
import type {RunContext, Step} from '../../recipes/kit/step.js';
import type {Answers} from '../../source/answers/schema.js';
import {fakeHost} from './fake-host.js';

const answers = {hosts: [{name: 'a', ip: '10.0.0.1', roles: ['etcd']}]} as unknown as Answers;

/** A host whose state is a set of words: `has W` exits 0 when W is there, `add W` puts it there. */
function wordHost(words: Set<string>) {
	return fakeHost('a', script => {
		const [verb, word = ''] = script.split(' ');
		if (verb === 'has') return {code: words.has(word) ? 0 : 1};
		if (verb === 'add') return void words.add(word), {};
		if (verb === 'arch') return {stdout: 'amd64\n'};
		return {code: 127, stderr: `unknown: ${script}`};
	});
}

function context(conn: ReturnType<typeof fakeHost>): RunContext {
	return {answers, keys: {caCert: '', hosts: {}, scramSalts: {}}, facts: new Map(), identities: new Map(), signal: new AbortController().signal, connections: new Map([['a', conn]])} as unknown as RunContext;
}

/** A step that keeps one word on the host, with a one-command check. */
const wordStep = (word: string): Step => ({
	name: `word ${word}`,
	check: async ctx => (await ctx.run(`has ${word}`, {check: false, quiet: true})).code === 0,
	apply: async ctx => void (await ctx.run(`add ${word}`)),
});

const phase = (steps: Step[]): Phase[] => [{name: 'etcd', summary: '', hosts: ['a'], steps: () => steps}];

describe('checks batched per host and phase', () => {
	test('a no-op phase of many checks costs one round trip, and the answers are the live ones', async () => {
		const conn = wordHost(new Set(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']));
		const outcome = await runPhases(phase(['w0', 'w1', 'w2', 'w3', 'w4', 'w5'].map(wordStep)), context(conn), collectEvents().sink);
		expect(outcome).toEqual({ok: true, changed: 0, unchanged: 6});
		expect(conn.batches).toEqual([6]);
		expect(conn.scripts).toHaveLength(6);
	});

	test('drift found from batched answers is the same drift, in check mode', async () => {
		const conn = wordHost(new Set(['w0', 'w2']));
		const {events, sink} = collectEvents();
		const outcome = await runPhases(phase(['w0', 'w1', 'w2', 'w3'].map(wordStep)), context(conn), sink, 'check');
		expect(outcome.drifted).toBe(2);
		expect(events.filter(e => e.type === 'drift').map(e => e.type === 'drift' && e.step)).toEqual(['word w1', 'word w3']);
		expect(conn.batches).toEqual([4]);
	});

	test('after a step changed the host, later checks look again instead of trusting the batch', async () => {
		const words = new Set<string>();
		const conn = wordHost(words);
		// The second step matches only once the first one's word is there: a batch taken before would say no.
		const dependent: Step = {name: 'needs w0', check: async ctx => (await ctx.run('has w0', {check: false, quiet: true})).code === 0, apply: async () => {}};
		const outcome = await runPhases(phase([wordStep('w0'), dependent]), context(conn), collectEvents().sink);
		expect(outcome).toEqual({ok: true, changed: 1, unchanged: 1});
	});

	test('a check that needs two commands in turn, or reads what an earlier check learned, still gets the right answer', async () => {
		const conn = wordHost(new Set(['primary', 'db']));
		const learn: Step = {
			name: 'facts',
			check: async ctx => {
				ctx.facts.set('a', {os: 'debian', version: '12', arch: (await ctx.run('arch', {quiet: true})).stdout.trim(), interface: 'eth0', diskFreeMb: 1});
				return true;
			},
			apply: async () => {},
		};
		const usesFacts: Step = {name: 'amd64 only', check: async ctx => ctx.facts.get('a')?.arch === 'amd64', apply: async () => {}};
		const twoDeep: Step = {
			name: 'database on the primary',
			check: async ctx => (await ctx.run('has primary', {check: false, quiet: true})).code !== 0 || (await ctx.run('has db', {check: false, quiet: true})).code === 0,
			apply: async () => {},
		};
		// A check that swallows errors must not answer from the batch's deferral.
		const swallowing: Step = {name: 'swallows', check: async ctx => ctx.run('has db', {quiet: true}).then(() => true, () => false), apply: async () => {}};
		const {events, sink} = collectEvents();
		const outcome = await runPhases(phase([learn, usesFacts, twoDeep, swallowing]), context(conn), sink, 'check');
		expect(events.filter(e => e.type === 'drift')).toEqual([]);
		expect(outcome).toMatchObject({ok: true, unchanged: 4, drifted: 0});
		expect(conn.batches.length).toBeLessThanOrEqual(2);
	});

	test('a check that refuses is asked again live and fails its step with its own words', async () => {
		const conn = wordHost(new Set(['w0']));
		const refusing: Step = {
			name: 'members',
			check: async ctx => {
				await ctx.run('has w0', {quiet: true});
				throw new Error('etcd lists members x but the answers name y');
			},
			apply: async () => {},
		};
		const {events, sink} = collectEvents();
		const outcome = await runPhases(phase([wordStep('w0'), refusing, wordStep('w0')]), context(conn), sink);
		expect(outcome.ok).toBe(false);
		expect(events.find(e => e.type === 'step-failed')).toMatchObject({step: 'members', error: 'etcd lists members x but the answers name y'});
	});
});

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

	test("in a serial phase a host's checks are asked while the host before it works, and asked again if that host changed something", async () => {
		const words = new Set(['a-ready', 'b-ready']);
		let bAsked!: () => void;
		const asked = new Promise<void>(resolve => (bAsked = resolve));
		const a = wordHost(words);
		const b = wordHost(words);
		const batch = b.runBatch.bind(b);
		b.runBatch = async items => (bAsked(), batch(items));
		const conns = new Map([['a', a], ['b', b]]);
		const twoHosts = {...context(a), answers: {hosts: [{name: 'a', ip: '10.0.0.1', roles: []}, {name: 'b', ip: '10.0.0.2', roles: []}]}, connections: conns} as unknown as RunContext;
		const waitForB: Step = {
			name: 'a waits until b was asked',
			check: async () => (await Promise.race([asked.then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), 2_000))])) || Promise.reject(new Error('b was not asked while a worked')),
			apply: async () => {},
		};
		const steps = (host: {name: string}): Step[] => (host.name === 'a' ? [wordStep('a-ready'), waitForB] : [wordStep('b-ready'), wordStep('c')]);
		const serial: Phase[] = [{name: 'pgbouncer', summary: '', hosts: ['a', 'b'], serial: true, steps}];
		// b's batch says "c" is missing, and a has not changed anything: b adds it.
		const first = await runPhases(serial, twoHosts, collectEvents().sink);
		expect(first).toMatchObject({ok: true, changed: 1});
		expect(words.has('c')).toBe(true);
		// Now a adds "c" back after it was taken away, while b's early answer still says it is missing: b looks again and changes nothing.
		words.delete('c');
		const aAdds = (host: {name: string}): Step[] => (host.name === 'a' ? [wordStep('c'), waitForB] : [wordStep('b-ready'), wordStep('c')]);
		const second = await runPhases([{...serial[0]!, steps: aAdds}], twoHosts, collectEvents().sink);
		expect(second).toMatchObject({ok: true, changed: 1, unchanged: 3});
	});
});

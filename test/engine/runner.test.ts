import {describe, expect, test} from 'vitest';
import {collectEvents, runPhases} from '../../source/engine/runner.js';
import type {Phase, RunContext, Step} from '../../source/engine/step.js';
import type {Answers} from '../../source/answers/schema.js';
import {fakeHost} from './fake-host.js';

const answers = {hosts: [{name: 'a', ip: '10.0.0.1', roles: ['etcd']}, {name: 'b', ip: '10.0.0.2', roles: ['etcd']}]} as unknown as Answers;

function context(handler?: Parameters<typeof fakeHost>[1]): RunContext {
	// The runner hands the keys to steps and never reads them; these steps render nothing.
	return {answers, keys: {caCert: '', hosts: {}, scramSalts: {}}, facts: new Map(), identities: new Map(), signal: new AbortController().signal, connections: new Map([['a', fakeHost('a', handler)], ['b', fakeHost('b', handler)]])};
}

/** A step over a flag: check reads it, apply sets it. */
function flagStep(state: Map<string, boolean>, name: string): Step {
	return {
		name,
		check: async ctx => state.get(`${ctx.host.name}:${name}`) === true,
		apply: async ctx => void state.set(`${ctx.host.name}:${name}`, true),
	};
}

describe('runPhases', () => {
	test('applies what does not match, then a second run changes nothing', async () => {
		const state = new Map<string, boolean>();
		const phases: Phase[] = [{name: 'packages', summary: '', hosts: ['a', 'b'], steps: () => [flagStep(state, 'one'), flagStep(state, 'two')]}];
		const first = await runPhases(phases, context(), collectEvents().sink);
		expect(first).toEqual({ok: true, changed: 4, unchanged: 0});
		const {events, sink} = collectEvents();
		const second = await runPhases(phases, context(), sink);
		expect(second).toEqual({ok: true, changed: 0, unchanged: 4});
		expect(events.filter(e => e.type === 'step-finished').every(e => e.type === 'step-finished' && !e.changed)).toBe(true);
	});

	test('a failed step names host, step, command and output, and stops later phases', async () => {
		const failing: Step = {name: 'install', apply: async ctx => void (await ctx.run('apt-get install nothing'))};
		let laterRan = false;
		const phases: Phase[] = [
			{name: 'packages', summary: '', hosts: ['a', 'b'], steps: host => (host.name === 'b' ? [failing] : [])},
			{name: 'etcd', summary: '', hosts: ['a'], steps: () => [{name: 'later', apply: async () => void (laterRan = true)}]},
		];
		const {events, sink} = collectEvents();
		const outcome = await runPhases(phases, context(() => ({code: 100, stdout: 'E: Unable to locate package nothing'})), sink);
		expect(outcome.ok).toBe(false);
		expect(outcome.failed).toEqual({host: 'b', phase: 'packages', step: 'install'});
		const failure = events.find(e => e.type === 'step-failed');
		expect(failure).toMatchObject({host: 'b', step: 'install', command: 'apt-get install nothing', error: 'exited with code 100'});
		expect(failure?.type === 'step-failed' && failure.output).toContain('E: Unable to locate package nothing');
		expect(laterRan).toBe(false);
		expect(events.at(-1)).toMatchObject({type: 'phase-finished', phase: 'packages', ok: false});
	});

	test('an apply that leaves the host still not matching is a failure, not a success', async () => {
		const stubborn: Step = {name: 'never matches', check: async () => false, apply: async () => {}};
		const outcome = await runPhases([{name: 'etcd', summary: '', hosts: ['a'], steps: () => [stubborn]}], context(), collectEvents().sink);
		expect(outcome.ok).toBe(false);
	});

	test("a phase alongside: the host's next phase runs beside it, a phase that names it waits for it, and a file it writes restarts the service later", async () => {
		const log: string[] = [];
		let release!: () => void;
		const slow = new Promise<void>(resolve => (release = resolve));
		let written = false;
		const filesWritten: Step = {
			name: 'file',
			check: async () => written,
			apply: async ctx => {
				log.push('prepare started');
				await slow;
				ctx.touch('pgbouncer', 'restart');
				written = true;
				log.push('prepare done');
			},
		};
		let restartedWith: string | undefined;
		const service: Step = {name: 'service', check: async ctx => !ctx.touched.has('pgbouncer'), apply: async ctx => void (restartedWith = ctx.touched.get('pgbouncer'), ctx.touched.delete('pgbouncer'))};
		const phases: Phase[] = [
			{name: 'prepare', summary: '', hosts: ['a'], after: [], alongside: true, steps: () => [filesWritten]},
			{name: 'etcd', summary: '', hosts: ['a'], after: [], steps: () => [{name: 'beside', apply: async () => (log.push('etcd ran'), release())}]},
			{name: 'pgbouncer', summary: '', hosts: ['a'], after: ['prepare'], steps: () => [{name: 'after prepare', apply: async () => void log.push('pgbouncer ran')}, service]},
		];
		const outcome = await runPhases(phases, context(), collectEvents().sink);
		expect(outcome.ok).toBe(true);
		// prepare cannot end before etcd ran, so had etcd waited for it the run would never end; pgbouncer waited.
		expect(log.indexOf('etcd ran')).toBeLessThan(log.indexOf('prepare done'));
		expect(log.at(-1)).toBe('pgbouncer ran');
		expect(restartedWith).toBe('restart');
	});

	test('output lines stream as events, except from quiet commands', async () => {
		const step: Step = {
			name: 'talk',
			apply: async ctx => {
				await ctx.run('loud');
				await ctx.run('secret', {quiet: true});
			},
		};
		const {events, sink} = collectEvents();
		await runPhases([{name: 'etcd', summary: '', hosts: ['a'], steps: () => [step]}], context(script => ({stdout: `${script} line\n`})), sink);
		expect(events.filter(e => e.type === 'output').map(e => e.type === 'output' && e.line)).toEqual(['loud line']);
	});

	test('hosts of a phase run in parallel', async () => {
		const started: string[] = [];
		let release!: () => void;
		const gate = new Promise<void>(resolve => (release = resolve));
		const step: Step = {
			name: 'wait',
			apply: async ctx => {
				started.push(ctx.host.name);
				if (started.length === 2) release();
				await gate;
			},
		};
		await runPhases([{name: 'etcd', summary: '', hosts: ['a', 'b'], steps: () => [step]}], context(), collectEvents().sink);
		expect(started.sort()).toEqual(['a', 'b']);
	});

	test('a phase goes ahead on a host that is ready while another host still works on an earlier phase it does not wait for', async () => {
		const log: string[] = [];
		let release!: () => void;
		const slow = new Promise<void>(resolve => (release = resolve));
		const step = (what: string, wait?: Promise<void>): Step => ({name: what, apply: async ctx => void (log.push(`${ctx.host.name} ${what}`), await wait)});
		const phases: Phase[] = [
			{name: 'packages', summary: '', hosts: ['a', 'b'], after: [], steps: host => [step('packages', host.name === 'a' ? slow : undefined)]},
			// b's balancers need only b's own packages; postgres on a needs a's.
			{name: 'balancers', summary: '', hosts: ['b'], after: [], steps: () => [{...step('balancers'), apply: async ctx => void (log.push(`${ctx.host.name} balancers`), release())}]},
			{name: 'postgres-leader', summary: '', hosts: ['a'], after: [], steps: () => [step('postgres')]},
			{name: 'backup', summary: '', hosts: ['b'], after: ['postgres-leader'], steps: () => [step('backup')]},
		];
		const {events, sink} = collectEvents();
		const outcome = await runPhases(phases, context(), sink);
		expect(outcome.ok).toBe(true);
		// b went on to its balancers while a was still installing; a's postgres came after a's packages; backup after postgres.
		expect(log.indexOf('b balancers')).toBeLessThan(log.indexOf('a postgres'));
		expect(log.indexOf('a packages')).toBeLessThan(log.indexOf('a postgres'));
		expect(log.indexOf('a postgres')).toBeLessThan(log.indexOf('b backup'));
		expect(events.filter(e => e.type === 'phase-finished').map(e => e.type === 'phase-finished' && e.phase)).toEqual(['balancers', 'packages', 'postgres-leader', 'backup']);
	});

	test('after a failure nothing new starts: a phase waiting for the failed one never begins, hosts already at work finish', async () => {
		const ran: string[] = [];
		const phases: Phase[] = [
			{name: 'packages', summary: '', hosts: ['a', 'b'], after: [], steps: host => [{name: 'install', apply: async () => {
				ran.push(`${host.name} packages`);
				if (host.name === 'a') throw new Error('dpkg failed');
				await new Promise(resolve => setTimeout(resolve, 20));
			}}]},
			{name: 'etcd', summary: '', hosts: ['a', 'b'], after: [], steps: host => [{name: 'etcd', apply: async () => void ran.push(`${host.name} etcd`)}]},
		];
		const {events, sink} = collectEvents();
		const outcome = await runPhases(phases, context(), sink);
		expect(outcome).toMatchObject({ok: false, failed: {host: 'a', phase: 'packages', step: 'install'}});
		expect(ran.sort()).toEqual(['a packages', 'b packages']);
		expect(events.some(e => e.type === 'phase-started' && e.phase === 'etcd')).toBe(false);
	});
});

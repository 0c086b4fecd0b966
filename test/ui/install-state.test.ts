import {describe, expect, it} from 'vitest';
import type {EngineEvent} from '../../source/app/events.js';
import {recording} from './helpers.js';
import {cleanLine, createInstallState, currentPhase, formatDuration, reduceInstall, type InstallState} from '../../source/ui/install-state.js';

const replay = (events: EngineEvent[]) => events.reduce(reduceInstall, createInstallState());

describe('reduceInstall over a recorded 9-host install', () => {
	const events = recording('install-9-hosts');
	const state = replay(events);

	it('has one pane per host, in the order of run-started, with roles', () => {
		expect(state.hosts.map(p => p.name)).toEqual(['postgres1', 'postgres2', 'postgres3', 'etcd1', 'etcd2', 'etcd3', 'haproxy1', 'haproxy2', 'pgbackrestRepo']);
		expect(state.hosts[6]!.roles).toEqual(['balancer']);
	});

	it('ends with every host done, every phase ok and the totals of run-finished', () => {
		expect(state.hosts.every(p => p.status === 'done')).toBe(true);
		expect(state.phases.map(p => p.status)).toEqual(Array(9).fill('ok'));
		const finished = events.at(-1) as Extract<EngineEvent, {type: 'run-finished'}>;
		expect(state.result).toMatchObject({ok: true, changed: finished.changed, unchanged: finished.unchanged});
		expect(state.steps.done).toBe(events.filter(e => e.type === 'step-finished').length);
		expect(state.events).toBe(events.length);
	});

	it('keeps the last five output lines of each host', () => {
		const lines = events.filter((e): e is Extract<EngineEvent, {type: 'output'}> => e.type === 'output' && e.host === 'pgbackrestRepo').map(e => e.line);
		expect(state.hosts[8]!.lines).toEqual(lines.slice(-5));
	});

	it('turns every finished step, phase, check and the run into one static line, in order', () => {
		const counted = events.filter(e => ['step-finished', 'step-failed', 'phase-finished', 'host-skipped', 'check', 'run-finished'].includes(e.type)).length;
		expect(state.finished).toHaveLength(counted);
		expect(state.finished.map(l => l.id)).toEqual(state.finished.map((_, i) => i));
		expect(state.finished.at(-1)).toMatchObject({kind: 'run', ok: true, text: 'install finished'});
		expect(state.finished.filter(l => l.kind === 'check').map(l => [l.text, l.ok])).toEqual([
			['etcd healthy on all members', true],
			['Patroni: one leader, replicas streaming with no lag', true],
			['write through 10.131.0.56:5000, read back through 10.131.0.56:5001', true],
			['PgBouncer pool mode transaction', true],
			['HAProxy: leader up on 5000, replicas up on 5001', true],
			['pgBackRest check (archiving works)', true],
			['pgBackRest lists a full backup', true],
			['backup schedule installed on the repository', true],
		]);
	});

	it('follows the running phase and step while the run is in progress', () => {
		const middle = replay(events.slice(0, events.findIndex(e => e.type === 'phase-started' && e.phase === 'etcd') + 4));
		expect(currentPhase(middle)?.name).toBe('etcd');
		const etcd = middle.hosts.filter(p => p.status === 'running');
		expect(etcd.length).toBeGreaterThan(0);
		expect(etcd.every(p => p.name.startsWith('etcd') && p.phase === 'etcd' && p.step)).toBe(true);
	});

	it('never changes the state it is given', () => {
		const before = replay(events.slice(0, 50));
		const frozen = structuredClone(before);
		reduceInstall(before, events[50]!);
		expect(before).toEqual(frozen);
	});
});

describe('reduceInstall over a failed install', () => {
	const state = replay(recording('install-9-hosts-failed'));
	// Recorded with haproxy2 powered off during its packages step.
	const failed = state.hosts.find(p => p.name === 'haproxy2')!;

	it('marks the failing host with its command, error and output', () => {
		expect(failed.status).toBe('failed');
		expect(failed.failure).toMatchObject({phase: 'packages', step: 'packages haproxy keepalived procps', error: 'was ended by a signal (connection lost?)'});
		// The recipe's script, cleaned to one line (cut at 400 characters, before its apt-get line).
		expect(failed.failure!.command).toMatch(/^set -e\s+trap 'rm -f \/usr\/sbin\/policy-rc\.d' EXIT/);
		expect(failed.failure!.output.join('\n')).toContain('Get:1 http://deb.debian.org/debian bookworm InRelease');
	});

	it('fails the phase and the run, and keeps the other hosts as they were', () => {
		expect(state.phases.find(p => p.name === 'packages')!.status).toBe('failed');
		expect(state.phases.find(p => p.name === 'etcd')!.status).toBe('pending');
		expect(state.result?.ok).toBe(false);
		expect(state.steps.failed).toBe(1);
		expect(state.hosts.find(p => p.name === 'haproxy1')!.status).not.toBe('failed');
	});
});

describe('reduceInstall details', () => {
	it('makes a pane for a host that run-started did not list', () => {
		const state: InstallState = reduceInstall(createInstallState(), {type: 'output', host: 'extra', stream: 'stderr', line: 'hello', at: 1});
		expect(state.hosts).toMatchObject([{name: 'extra', lines: ['hello'], status: 'waiting'}]);
	});

	it('records a skipped host', () => {
		const state = reduceInstall(createInstallState([{name: 'a', roles: ['etcd']}]), {type: 'host-skipped', host: 'a', phase: 'etcd', reason: 'already a member', at: 1});
		expect(state.hosts[0]).toMatchObject({status: 'skipped', skipped: 'already a member'});
		expect(state.finished[0]).toMatchObject({kind: 'skipped', detail: 'already a member'});
	});
});

describe('cleanLine', () => {
	it('removes colours and cursor moves, keeps the last state of a progress line, expands tabs', () => {
		expect(cleanLine('\u001B[32mok\u001B[0m done')).toBe('ok done');
		expect(cleanLine('10%\r50%\r100%')).toBe('100%');
		expect(cleanLine('a\tb')).toBe('a    b');
		expect(cleanLine('bell\u0007 and \u001B]0;title\u0007 gone')).toBe('bell and  gone');
		expect(cleanLine('x'.repeat(1000))).toHaveLength(400);
	});
});

describe('formatDuration', () => {
	it('writes seconds, then minutes and seconds', () => {
		expect(formatDuration(42_500)).toBe('42s');
		expect(formatDuration(65_000)).toBe('1m05s');
		expect(formatDuration(-5)).toBe('0s');
	});
});

describe('reduceInstall with a phase alongside another on one host', () => {
	it('keeps the pane running and shows the step still at work when the other one ends', () => {
		const at = (t: number) => 1_000 + t;
		const events: EngineEvent[] = [
			{type: 'step-started', host: 'postgres1', phase: 'postgres-leader', step: 'service patroni', at: at(0)},
			{type: 'step-started', host: 'postgres1', phase: 'prepare', step: 'file /etc/pgbouncer/pgbouncer.ini', at: at(100)},
			{type: 'step-finished', host: 'postgres1', phase: 'prepare', step: 'file /etc/pgbouncer/pgbouncer.ini', changed: true, at: at(300)},
		];
		const state = replay(events);
		expect(state.hosts[0]).toMatchObject({status: 'running', phase: 'postgres-leader', step: 'service patroni', stepStartedAt: at(0)});
		expect(state.finished.at(-1)).toMatchObject({text: 'prepare › file /etc/pgbouncer/pgbouncer.ini', detail: expect.stringMatching(/^changed · /)});
		const done = reduceInstall(state, {type: 'step-finished', host: 'postgres1', phase: 'postgres-leader', step: 'service patroni', changed: true, at: at(2_500)});
		expect(done.hosts[0]).toMatchObject({status: 'idle', inFlight: []});
		expect(done.finished.at(-1)!.detail).toBe(`changed · ${formatDuration(2_500)}`);
	});
});

import {describe, expect, it} from 'vitest';
import type {EngineEvent, EngineEventType} from '../../source/app/events.js';
import {plainProgress} from '../../source/commands/plain-progress.js';
import {recording} from '../ui/helpers.js';
import {captureIo} from './io.js';

const at = 1_736_038_800_000;

// One event of every type, as the engine sends them.
const sample: Record<EngineEventType, EngineEvent> = {
	'run-started': {type: 'run-started', cluster: 'produccion', hosts: [{name: 'postgres1', roles: ['postgres']}], phases: ['preflight', 'packages'], logFile: '/tmp/run.log', at},
	'phase-started': {type: 'phase-started', phase: 'etcd', hosts: ['etcd1', 'etcd2'], at},
	'phase-finished': {type: 'phase-finished', phase: 'etcd', ok: true, at},
	'step-started': {type: 'step-started', host: 'etcd1', phase: 'etcd', step: 'start etcd', at},
	'step-finished': {type: 'step-finished', host: 'etcd1', phase: 'etcd', step: 'start etcd', changed: true, at},
	'step-failed': {type: 'step-failed', host: 'postgres3', phase: 'postgres-replicas', step: 'start patroni', command: 'systemctl start patroni\nmore', error: 'exit 1', output: ['Job failed', 'see journalctl'], at},
	output: {type: 'output', host: 'etcd2', stream: 'stderr', line: 'warning: slow disk', at},
	drift: {type: 'drift', host: 'haproxy1', phase: 'balancers', step: 'haproxy.cfg', detail: ['-  server postgres3', '+  server postgres4'], at},
	'host-skipped': {type: 'host-skipped', host: 'postgres2', phase: 'postgres-replicas', reason: 'unreachable', at},
	check: {type: 'check', name: 'write through the VIP', ok: true, evidence: 'INSERT 0 1', at},
	'run-finished': {type: 'run-finished', ok: false, changed: 12, unchanged: 30, logFile: '/tmp/run.log', at},
};

function linesOf(events: EngineEvent[], verbose: boolean): string[][] {
	const io = captureIo();
	const sink = plainProgress(io, verbose);
	return events.map(event => {
		const from = io.lines.length;
		sink(event);
		return io.lines.slice(from);
	});
}

describe('plainProgress', () => {
	it('gives every event at least one plain line when verbose, and only step starts and output are quiet otherwise', () => {
		const events = Object.values(sample);
		const verbose = linesOf(events, true);
		const quiet = linesOf(events, false);
		events.forEach((event, i) => {
			expect(verbose[i]!.length, event.type).toBeGreaterThan(0);
			expect(quiet[i]!.length, event.type).toBe(event.type === 'step-started' || event.type === 'output' ? 0 : verbose[i]!.length);
		});
	});

	it('writes one line for a finished step, starting with its host', () => {
		expect(linesOf([sample['step-finished']], false)).toEqual([['etcd1: start etcd: changed']]);
		expect(linesOf([{...sample['step-finished'], changed: false} as EngineEvent], false)).toEqual([['etcd1: start etcd: ok']]);
	});

	it('starts every line about a host with the host name, command and output included', () => {
		const [failed] = linesOf([sample['step-failed']], false);
		expect(failed).toEqual([
			'postgres3: start patroni: FAILED: exit 1',
			'postgres3:   command: systemctl start patroni',
			'postgres3:   | Job failed',
			'postgres3:   | see journalctl',
		]);
		expect(linesOf([sample.drift], false)[0]).toEqual(['haproxy1: DRIFT haproxy.cfg', 'haproxy1:   -  server postgres3', 'haproxy1:   +  server postgres4']);
	});

	it('holds for a whole recorded install: a line concerning a host starts with it, the others with pgha:, == or PASS/FAIL', () => {
		for (const name of ['install-9-hosts', 'install-9-hosts-failed'] as const) {
			const events = recording(name);
			linesOf(events, true).forEach((lines, i) => {
				const event = events[i]!;
				for (const line of lines) {
					if ('host' in event) expect(line.startsWith(`${event.host}: `), line).toBe(true);
					else expect(line).toMatch(/^(pgha: |== |PASS |FAIL )/);
				}
			});
		}
	});
});

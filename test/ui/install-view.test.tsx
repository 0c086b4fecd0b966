import {afterEach, describe, expect, it} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {createInstallState, formatDuration, reduceInstall} from '../../source/ui/install-state.js';
import {initialInstallUi, InstallView, paneLayout} from '../../source/ui/install-view.js';
import type {EngineEvent} from '../../source/app/events.js';
import {topologyHosts} from '../../source/lab/topology.js';
import {plain, recording} from './helpers.js';

afterEach(cleanup);

const events = recording('install-9-hosts');
// Cut just after the leader started its third step, so one step is running.
const middle = events.slice(0, events.findIndex(e => e.type === 'phase-started' && e.phase === 'postgres-leader') + 6);
const state = middle.reduce(reduceInstall, createInstallState());
const now = middle.at(-1)!.at + 1500;
// The times shown follow from the recorded events, so a new recording keeps these tests true.
const pane = (name: string) => state.hosts.find(p => p.name === name)!;
const leader = pane('postgres1');
const etcd1 = pane('etcd1');
const leaderTotal = formatDuration(now - leader.startedAt!);
const leaderStep = formatDuration(now - leader.stepStartedAt!);
const etcd1Total = formatDuration(etcd1.endedAt! - etcd1.startedAt!);

describe('paneLayout', () => {
	it('puts nine panes three across with three lines on a 120x40 terminal', () => {
		expect(paneLayout(9, 120, 40, false)).toEqual({perRow: 3, width: 40, lines: 3, compact: false});
		expect(paneLayout(9, 120, 40, true)).toEqual({perRow: 3, width: 40, lines: 3, compact: false});
	});

	it('gives fewer hosts more lines', () => {
		expect(paneLayout(3, 120, 40, false).lines).toBe(5);
		expect(paneLayout(6, 120, 40, false).lines).toBe(4);
	});

	it("fits the large lab's fifteen panes five rows deep on a 120x40 terminal, one line each beside a failure", () => {
		expect(paneLayout(15, 120, 40, false)).toEqual({perRow: 3, width: 40, lines: 3, compact: false});
		expect(paneLayout(15, 120, 40, true)).toEqual({perRow: 1, width: 120, lines: 1, compact: true});
		expect(paneLayout(15, 100, 40, false).compact).toBe(true);
	});

	it('falls back to one line per host when panes cannot fit the rows', () => {
		expect(paneLayout(9, 80, 24, false)).toEqual({perRow: 1, width: 80, lines: 1, compact: true});
		expect(paneLayout(9, 100, 0, false).compact).toBe(false);
	});
});

describe('InstallView', () => {
	it('is a pure function of state, clock and UI state', () => {
		const draw = () => {
			const instance = render(<InstallView state={state} ui={initialInstallUi} now={now} columns={100} rows={40} interactive={false} />);
			const frame = instance.lastFrame();
			instance.unmount();
			return frame;
		};
		expect(draw()).toBe(draw());
	});

	it('shows the running step with its time and the host\u2019s total time', () => {
		const {lastFrame} = render(<InstallView state={state} ui={initialInstallUi} now={now} columns={100} rows={40} interactive={false} />);
		const frame = lastFrame()!;
		expect(frame).toContain('phase 4/9 postgres-leader');
		expect(frame).toMatch(new RegExp(`postgres1 postgres\\s+[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ${leaderTotal}`));
		expect(frame).toContain(`data directory /data/patroni (${leaderStep})`);
		expect(frame).toMatch(new RegExp(`etcd1 etcd\\s+· ${etcd1Total}`));
		expect(frame).toContain('8 steps done, waiting');
	});

	it("draws every one of the large lab's fifteen hosts within 100 columns and 40 rows", () => {
		const hosts = topologyHosts('large');
		const at = 1_000_000;
		const large: EngineEvent[] = [
			{type: 'run-started', cluster: 'lab-large', hosts: hosts.map(h => ({name: h.name, roles: h.roles})), phases: ['preflight', 'packages'], logFile: '/tmp/run.log', at},
			{type: 'phase-started', phase: 'packages', hosts: hosts.map(h => h.name), at: at + 10},
			...hosts.flatMap((h, i): EngineEvent[] => [
				{type: 'step-started', host: h.name, phase: 'packages', step: 'packages from the bundle', at: at + 20 + i},
				{type: 'output', host: h.name, stream: 'stdout', line: `Unpacking ${h.roles[0]} packages on ${h.name}`, at: at + 40 + i},
			]),
		];
		const fifteen = large.reduce(reduceInstall, createInstallState());
		const {lastFrame} = render(<InstallView state={fifteen} ui={initialInstallUi} now={at + 5000} columns={100} rows={40} interactive={false} />);
		const frame = plain(lastFrame()!);
		const lines = frame.split('\n');
		expect(lines.length).toBeLessThanOrEqual(40);
		for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
		for (const host of hosts) expect(frame, host.name).toMatch(new RegExp(`\\b${host.name}\\s+packages from the bundle`));
	});

	it('draws one line per host on a short terminal', () => {
		const {lastFrame} = render(<InstallView state={state} ui={initialInstallUi} now={now} columns={80} rows={24} interactive={false} />);
		const frame = lastFrame()!;
		const live = frame.slice(frame.indexOf('phase 4/9'));
		expect(live).toMatch(new RegExp(`› [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] postgres1\\s+data directory /data/patroni \\(${leaderStep}\\) │ Processing triggers`));
		expect(live).toMatch(/\n {2}· etcd1\s+8 steps done, waiting │ \/usr\/sbin\/policy-rc\.d returned 101/);
		expect(live).not.toContain('╭');
	});
});

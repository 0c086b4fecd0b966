import {afterEach, describe, expect, it} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {createInstallState, formatDuration, reduceInstall} from '../../source/ui/install-state.js';
import {initialInstallUi, InstallView, paneLayout} from '../../source/ui/install-view.js';
import {recording} from './helpers.js';

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

	it('draws one line per host on a short terminal', () => {
		const {lastFrame} = render(<InstallView state={state} ui={initialInstallUi} now={now} columns={80} rows={24} interactive={false} />);
		const frame = lastFrame()!;
		const live = frame.slice(frame.indexOf('phase 4/9'));
		expect(live).toMatch(new RegExp(`› [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] postgres1\\s+data directory /data/patroni \\(${leaderStep}\\) │ Processing triggers`));
		expect(live).toMatch(/\n {2}· etcd1\s+8 steps done, waiting │ \/usr\/sbin\/policy-rc\.d returned 101/);
		expect(live).not.toContain('╭');
	});
});

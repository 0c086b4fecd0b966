import {afterEach, describe, expect, it} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {HostPaneView} from '../../source/ui/host-pane.js';
import type {HostPane} from '../../source/ui/install-state.js';

afterEach(cleanup);

const now = 1_000_000;
const pane = (status: HostPane['status'], elapsedMs: number): HostPane => ({
	name: 'node1',
	roles: ['postgres', 'etcd', 'balancer'],
	status,
	step: 'stanza asistente',
	stepStartedAt: now - 1000,
	startedAt: now - elapsedMs,
	lines: ['one', 'two', 'three'],
	changed: 30,
	unchanged: 2,
});

describe('HostPaneView', () => {
	it('keeps its height and its header on one line when name, roles and clock do not fit', () => {
		for (const [status, doing] of [
			['idle', '32 steps done, waiting'],
			['running', 'stanza asistente (1s)'],
		] as const) {
			const frame = render(<HostPaneView pane={pane(status, 80_000)} now={now} width={40} lines={5} selected={false} />).lastFrame()!;
			const rows = frame.split('\n');
			// Borders, header, what it does, and exactly `lines` of output: the screen's layout counts on it.
			expect(rows).toHaveLength(2 + 1 + 1 + 5);
			expect(rows[1]).toMatch(/node1 postgres, etcd, bal\S*… +\S+ 1m20s/);
			expect(rows[2]).toContain(doing);
		}
	});
});

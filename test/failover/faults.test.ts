import {describe, expect, test} from 'vitest';
import {faultScripts} from '../../source/failover/faults.js';

describe('faultScripts', () => {
	test('the arming script sets the undo timer; the strike holds only the fault', () => {
		for (const kind of ['crash', 'partition', 'graceful', 'haproxy'] as const) {
			const {arm, strike, timerUnit} = faultScripts(kind, {id: 'abc', peers: ['10.0.0.2'], undoAfterSeconds: 150});
			expect(arm.split('\n')[1]).toMatch(new RegExp(`^systemd-run .*--unit=${timerUnit} --on-active=150s `));
			expect(strike).not.toContain('systemd-run');
			expect(strike.split('\n').length).toBeGreaterThan(1);
		}
	});

	test('a crash masks Patroni before killing every process of its unit, and the undo unmasks and starts it', () => {
		const {arm, strike, undo} = faultScripts('crash', {id: 'abc', peers: [], undoAfterSeconds: 120});
		expect(arm).toContain('systemctl mask --runtime --quiet patroni.service');
		expect(strike).toContain('systemctl kill --signal=SIGKILL patroni.service || true');
		expect(undo).toMatch(/^systemctl stop pgha-drill-undo-abc\.timer/);
		expect(undo).toContain('systemctl unmask --runtime --quiet patroni.service');
		expect(undo).toMatch(/systemctl start patroni\.service$/);
	});

	test('a partition drops the route to every peer, marked so the undo removes exactly those routes', () => {
		const {strike: inject, undo} = faultScripts('partition', {id: 'abc', peers: ['10.0.0.2', '10.0.0.3'], undoAfterSeconds: 120});
		expect(inject).toContain('ip route add blackhole 10.0.0.2/32 proto 187');
		expect(inject).toContain('ip route add blackhole 10.0.0.3/32 proto 187');
		expect(undo).toContain('ip route flush proto 187');
	});
});

import {describe, expect, it} from 'vitest';
import {benchInstallScreen} from '../../bench/install-screen.js';

describe('benchInstallScreen', () => {
	it('streams nine panes into the install screen and reports CPU and frames', async () => {
		const lines: string[] = [];
		const result = await benchInstallScreen({durationMs: 700, linesPerSecond: 20, log: line => lines.push(line)});
		expect(result.events).toBeGreaterThan(9 * 10);
		expect(result.renders).toBeGreaterThan(3);
		// Events are applied once per tick, so frames stay far fewer than events.
		expect(result.renders).toBeLessThan(result.events / 3);
		expect(result.cpuMs).toBeGreaterThan(0);
		expect(lines[0]).toMatch(/^install screen: \d+ events over \d+ ms, CPU \d+ ms/);
	});
});

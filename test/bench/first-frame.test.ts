import {describe, expect, it} from 'vitest';
import {benchFirstFrame} from '../../bench/first-frame.js';

describe('benchFirstFrame', () => {
	it('measures the wizard\u2019s first frame', async () => {
		const lines: string[] = [];
		const result = await benchFirstFrame({log: line => lines.push(line)});
		expect(result.wizardFrameMs).toBeGreaterThan(0);
		expect(lines[0]).toMatch(/^wizard first frame: [\d.]+ ms after render\(\)/);
	});
});

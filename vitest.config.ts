import {defineConfig} from 'vitest/config';
import LabOrder from './test/e2e/order.js';
import StrictSkips from './test/strict-reporter.js';

// CI sets PGHA_TEST_STRICT=1: there a skipped test fails the run (test/strict.ts).
const strict = process.env['PGHA_TEST_STRICT'] === '1';

// Unit and UI tests are fast and need nothing but Node. The lab project boots
// real hosts (root, Linux), so it runs its files one at a time, sharing one lab.
export default defineConfig({
	test: {
		// Only the lab files care about order; the sequencer is a root option.
		sequence: {sequencer: LabOrder},
		reporters: strict ? ['default', new StrictSkips()] : ['default'],
		projects: [
			{
				test: {
					name: 'unit',
					include: ['test/**/*.test.{ts,tsx}'],
					exclude: ['test/e2e/**'],
					testTimeout: 30_000,
					// Ink renders differently when it thinks it runs in CI; the UI tests describe a terminal.
					env: {CI: 'false'},
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.{ts,tsx}'],
					fileParallelism: false,
					testTimeout: 1_800_000,
					hookTimeout: 1_800_000,
					globalSetup: ['test/e2e/global-setup.ts'],
				},
			},
		],
	},
});

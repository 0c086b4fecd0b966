import {relative} from 'node:path';
import type {Reporter, TestModule} from 'vitest/node';

/**
 * Under PGHA_TEST_STRICT=1, fails the run when any test was skipped, however
 * it was skipped (skip, skipIf, todo, ctx.skip or a filter): whatever the
 * test would have proved went unproved.
 */
export default class StrictSkips implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		const skipped: string[] = [];
		for (const module of testModules) {
			const file = relative(process.cwd(), module.moduleId);
			if (module.state() === 'skipped' && [...module.children.allTests()].length === 0) skipped.push(`${file} (the whole file)`);
			for (const test of module.children.allTests()) {
				const result = test.result();
				if (result.state === 'skipped' || result.state === 'pending')
					skipped.push(`${file} > ${test.fullName}${result.state === 'skipped' && result.note ? ` (${result.note})` : ''}`);
			}
		}
		if (skipped.length === 0) return;
		process.exitCode = 1;
		console.error(`\nPGHA_TEST_STRICT=1: ${skipped.length} test(s) did not run, and a skipped test counts as a failure here:\n${skipped.map(line => `  - ${line}`).join('\n')}\n`);
	}
}

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestProject} from 'vitest/node';
import {labUnavailableReason, pgha} from './helpers.js';
import {claimLab, forgetKeptLab, keepLab, keptLab, labStatus, ownsLab} from './lab-owner.js';

/**
 * Gives the run a directory of its own, and notes whether a lab was already
 * running. At the end it takes down only a lab this run started (none when
 * the tests were only listed), and with PGHA_KEEP_LAB=1 none at all, naming the
 * kept lab so the next run may take it over.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const dir = mkdtempSync(join(tmpdir(), 'pgha-e2e-run-'));
	project.provide('pghaE2eRun', dir);
	const usable = labUnavailableReason() === undefined;
	if (usable) {
		const before = await labStatus().catch(() => undefined);
		if (before?.exists && keptLab(before)) {
			claimLab(before, dir);
			forgetKeptLab();
		}
	}
	return async () => {
		try {
			if (!usable) return;
			const after = await labStatus().catch(() => undefined);
			if (!after?.exists || !ownsLab(after, dir)) return;
			if (process.env['PGHA_KEEP_LAB'] === '1') {
				keepLab(after);
				console.log(`PGHA_KEEP_LAB=1: the ${after.topology} lab stays up; \`node dist/cli.js lab down\` takes it down`);
				return;
			}
			const down = await pgha(['lab', 'down']);
			if (down.code !== 0) throw new Error(`pgha lab down at the end of the run: exit ${down.code}: ${down.stderr}`);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	};
}

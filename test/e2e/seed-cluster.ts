import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {tmpdir} from 'node:os';
import {expect} from 'vitest';
import {pgha, readAnswers} from './helpers.js';
import {expectOwnLabOrNone, freshLab} from './lab-owner.js';

/** Where the shared seed lab keeps its answers, pgha home and client password file. */
export const seedWork = join(tmpdir(), 'pgha-e2e-seed');
export const seedAnswersFile = join(seedWork, 'answers.yaml');
export const seedEnv = {PGHA_HOME: join(seedWork, 'home')};
export const seedPgpass = join(seedWork, 'pgpass');

/**
 * The seed lab shared by the end-to-end files: brought up when this run has
 * none (or it was started without these answers, or `fresh` asks for hosts
 * pgha never touched), and installed when asked. A lab this run did not start
 * is neither used nor replaced: the test fails saying so.
 */
export async function seedLab(options: {installed: boolean; fresh?: boolean}): Promise<ReturnType<typeof readAnswers>> {
	const status = await expectOwnLabOrNone();
	const running = status.exists && status.topology === 'seed';
	if (options.fresh || !running || !existsSync(seedAnswersFile)) {
		rmSync(seedWork, {recursive: true, force: true});
		mkdirSync(seedWork, {recursive: true});
		const up = await freshLab(['--topology', 'seed', '--write-answers', seedAnswersFile], seedEnv);
		expect(up.code, up.stderr + up.stdout).toBe(0);
	}
	const answers = readAnswers(seedAnswersFile);
	writeFileSync(seedPgpass, `*:*:*:aplicacion:${answers.passwords['app']}\n`, {mode: 0o600});
	if (options.installed) {
		// Once installed, the saved cluster is the truth: add-replica may have grown it past the answer file.
		const saved = existsSync(join(seedEnv.PGHA_HOME, 'clusters', `${answers.cluster.name}.json`));
		const run = await pgha(['install', ...(saved ? ['--cluster', answers.cluster.name] : ['--answers', seedAnswersFile]), '--yes'], seedEnv);
		expect(run.code, run.stdout + run.stderr).toBe(0);
	}
	return answers;
}

/** verify passes and repair --check finds no drift on the seed's saved cluster: it is whole, whatever was just taken away. */
export async function expectWhole(cluster: string): Promise<void> {
	const verify = await pgha(['verify', '--cluster', cluster], seedEnv);
	expect(verify.code, verify.stdout + verify.stderr).toBe(0);
	const check = await pgha(['repair', '--check', '--cluster', cluster], seedEnv);
	expect(check.code, check.stdout + check.stderr).toBe(0);
	expect(check.stdout).toContain('pgha: no drift.');
}

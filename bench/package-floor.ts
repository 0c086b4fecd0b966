import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import YAML from 'yaml';
import type {Figure} from './figures.js';
import {runCli} from './lab-run.js';
import {loadAnswersFile} from '../source/answers/load.js';
import type {AnswersInput} from '../source/answers/schema.js';
import {applyCluster} from '../source/engine/install.js';
import {sshConnector, type Connector} from '../source/engine/connect.js';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The install's floor on this machine: the packages phase of one PostgreSQL
 * host alone (the role with the most packages), on a fresh seed lab where no
 * other host installs beside it. In the full install every lab host shares
 * this machine's cores, so the packages phase takes longer than this; on
 * separate servers it would not. The run stops once the packages phase ends.
 */
export async function benchPackageFloor(print: (line: string) => void = console.log): Promise<Figure[]> {
	const work = mkdtempSync(join(tmpdir(), 'pgha-bench-floor-'));
	const answersFile = join(work, 'answers.yaml');
	const env = {...process.env, PGHA_HOME: join(work, 'home')};
	const up = runCli(['lab', 'up', '--topology', 'seed', '--write-answers', answersFile], env);
	if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}`);
	try {
		const raw = YAML.parse(readFileSync(answersFile, 'utf8')) as AnswersInput;
		const loaded = await loadAnswersFile(answersFile, env);
		if (!loaded.ok) throw new Error(`the lab's answers do not load: ${loaded.problems.map(p => p.message).join('; ')}`);
		const alone = 'postgres1';
		// Every other host "does not answer": the run touches this one only.
		const connect: Connector = (host, ssh, expected) => (host.name === alone ? sshConnector(host, ssh, expected) : Promise.reject(new Error('left out of this measurement')));
		const stop = new AbortController();
		let started = 0;
		let finished = 0;
		await applyCluster({
			answers: loaded.answers,
			raw,
			env,
			connect,
			skipUnreachable: true,
			verify: false,
			signal: stop.signal,
			emit: event => {
				if (event.type === 'phase-started' && event.phase === 'packages') started = event.at;
				if (event.type === 'phase-finished' && event.phase === 'packages') {
					finished = event.at;
					stop.abort();
				}
			},
		});
		if (!started || !finished) throw new Error('the packages phase did not run to its end');
		print(`packages phase of ${alone} alone (no other host installing): ${secs(finished - started)}`);
		return [{name: 'packages phase, one PostgreSQL host alone (the floor)', value: (finished - started) / 1000, unit: 's'}];
	} finally {
		runCli(['lab', 'down'], env);
	}
}

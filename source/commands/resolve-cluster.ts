import {homedir} from 'node:os';
import {dirname, resolve} from 'node:path';
import {clusterEnv, listClusters, loadCluster} from '../answers/store.js';
import {formatProblems} from '../answers/problem.js';
import type {Answers, AnswersInput} from '../answers/schema.js';
import {UsageError} from '../errors.js';
import type {Flags, Io} from './context.js';
import {requireAnswers} from './load-answers.js';

/**
 * The answers a command works on: --answers FILE, else the saved cluster named
 * by --cluster, else the only saved cluster. Invalid answers are exit 2.
 * --bundle FILE installs from that bundle (saved with the cluster).
 */
export async function resolveCluster(flags: Flags, io: Io): Promise<{answers: Answers; raw: AnswersInput; env: NodeJS.ProcessEnv}> {
	const found = await findCluster(flags, io);
	// A bundle path is kept absolute, so the saved cluster finds it from any directory.
	const given = flags.bundle ?? found.answers.packages.bundle;
	if (!given) return found;
	const base = flags.bundle || !flags.answers ? process.cwd() : dirname(resolve(flags.answers));
	const bundle = resolve(base, given.replace(/^~(?=$|\/)/, homedir()));
	const packages = {...found.answers.packages, source: 'bundle' as const, bundle};
	return {...found, answers: {...found.answers, packages}, raw: {...found.raw, packages: {...found.raw.packages, source: 'bundle', bundle}}};
}

async function findCluster(flags: Flags, io: Io): Promise<{answers: Answers; raw: AnswersInput; env: NodeJS.ProcessEnv}> {
	if (flags.answers) {
		const {answers, raw} = await requireAnswers(flags.answers, io.env);
		return {answers, raw: raw as AnswersInput, env: io.env};
	}
	const saved = listClusters(io.env);
	const name = flags.cluster ?? (saved.length === 1 ? saved[0] : undefined);
	if (!name)
		throw new UsageError(
			saved.length === 0
				? 'no saved cluster; pass --answers FILE (see examples/) or run `pgha` to create one'
				: `several saved clusters (${saved.join(', ')}); pass --cluster NAME`,
		);
	const result = loadCluster(name, io.env);
	if (!result.ok) throw new UsageError(`saved cluster "${name}" cannot be used:\n${formatProblems(result.problems)}`);
	return {answers: result.answers, raw: result.raw as AnswersInput, env: clusterEnv(name, io.env)};
}

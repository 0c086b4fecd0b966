import {loadAnswersFile} from '../answers/load.js';
import {formatProblems} from '../answers/problem.js';
import type {Answers} from '../answers/schema.js';
import {UsageError} from '../errors.js';

/** Loads an answer file or throws a UsageError listing every problem (exit 2). */
export async function requireAnswers(file: string | undefined, env: NodeJS.ProcessEnv, flag = '--answers FILE'): Promise<{answers: Answers; raw: unknown}> {
	if (!file) throw new UsageError(`no answer file given; pass ${flag} (see examples/ and \`pgha schema\`)`);
	const result = await loadAnswersFile(file, env);
	if (!result.ok) {
		const count = result.problems.length;
		throw new UsageError(`${file} has ${count} problem${count === 1 ? '' : 's'}:\n${formatProblems(result.problems)}`);
	}
	return {answers: result.answers, raw: result.raw};
}

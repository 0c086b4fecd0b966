import {UsageError} from '../errors.js';
import {warnings} from '../answers/rules.js';
import type {Command} from './context.js';
import {requireAnswers} from './load-answers.js';

/** `pgha validate FILE`: exit 0 when the answers are usable, 2 with every problem otherwise. */
export const validate: Command = async (args, flags, io) => {
	const file = args[0] ?? flags.answers;
	if (!file) throw new UsageError('validate needs a file: pgha validate FILE');
	const {answers} = await requireAnswers(file, io.env, 'pgha validate FILE');
	io.out(`${file}: valid (cluster "${answers.cluster.name}", ${answers.hosts.length} hosts)`);
	for (const warning of warnings(answers)) io.out(`  warning: ${warning}`);
	return 0;
};

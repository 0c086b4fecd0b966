import {buildPlan} from '../plan/plan.js';
import {formatPlan} from '../plan/format.js';
import type {Command} from './context.js';
import {requireAnswers} from './load-answers.js';

/** `pgha plan --answers FILE [--json]`: what install would do, changing nothing and connecting nowhere. */
export const plan: Command = async (args, flags, io) => {
	const {answers} = await requireAnswers(flags.answers ?? args[0], io.env, 'pgha plan --answers FILE');
	const result = buildPlan(answers);
	io.out(flags.json ? JSON.stringify(result, null, 2) : formatPlan(result));
	return 0;
};

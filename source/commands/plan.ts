import type {Answers} from '../answers/schema.js';
import {buildPlan} from '../plan/plan.js';
import {formatPlan} from '../plan/format.js';
import type {Command, Io} from './context.js';
import {requireAnswers} from './load-answers.js';

/** `pgha plan --answers FILE [--json]`: what install would do, changing nothing and connecting nowhere. */
export const plan: Command = async (args, flags, io) => {
	const {answers} = await requireAnswers(flags.answers ?? args[0], io.env, 'pgha plan --answers FILE');
	printPlan(answers, flags.json, io);
	return 0;
};

/** Prints the plan of validated answers, as text or JSON; `plan` and `install --dry-run` share it. */
export function printPlan(answers: Answers, json: boolean, io: Io): void {
	const result = buildPlan(answers);
	io.out(json ? JSON.stringify(result, null, 2) : formatPlan(result));
}

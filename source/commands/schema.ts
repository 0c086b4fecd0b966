import {answersJsonSchema} from '../answers/schema.js';
import type {Command} from './context.js';

/** `pgha schema`: the answer file's JSON Schema on stdout. */
export const schema: Command = async (_args, _flags, io) => {
	io.out(JSON.stringify(answersJsonSchema(), null, 2));
	return 0;
};

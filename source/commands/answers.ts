import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const answers: Command = async () => {
	throw new UserError('"answers" is not available in this build yet');
};

import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const plan: Command = async () => {
	throw new UserError('"plan" is not available in this build yet');
};

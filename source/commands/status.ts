import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const status: Command = async () => {
	throw new UserError('"status" is not available in this build yet');
};

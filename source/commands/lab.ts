import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const lab: Command = async () => {
	throw new UserError('"lab" is not available in this build yet');
};

import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const repair: Command = async () => {
	throw new UserError('"repair" is not available in this build yet');
};

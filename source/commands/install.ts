import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const install: Command = async () => {
	throw new UserError('"install" is not available in this build yet');
};

import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const verify: Command = async () => {
	throw new UserError('"verify" is not available in this build yet');
};

import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const wizard: Command = async () => {
	throw new UserError('"wizard" is not available in this build yet');
};

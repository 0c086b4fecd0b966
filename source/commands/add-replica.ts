import {UserError} from '../errors.js';
import type {Command} from './context.js';

/** Placeholder until this command lands. */
export const addReplica: Command = async () => {
	throw new UserError('"add-replica" is not available in this build yet');
};

import {UsageError} from '../errors.js';

/** A file pgha cannot use as a bundle: not a bundle, a manifest that is wrong, or a format this pgha does not know. Exit 2. */
export class BundleError extends UsageError {
	constructor(message: string) {
		super(message);
		this.name = 'BundleError';
	}
}

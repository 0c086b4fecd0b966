import type {Step} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';

/** PgBouncer's files on a node: they need nothing of a running PostgreSQL, so they are written while it installs. */
export function pgbouncerFileSteps(files: ManagedFile[]): Step[] {
	return files.map(fileStep);
}

/** PgBouncer running, reloaded or restarted when one of its files changed (in this run, or in one that stopped before this step). */
export function pgbouncerServiceStep(): Step {
	return serviceStep('pgbouncer');
}

import type {Step} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';

/** PgBouncer on a node: its files and the running service. */
export function pgbouncerSteps(files: ManagedFile[]): Step[] {
	return [...files.map(fileStep), serviceStep('pgbouncer')];
}

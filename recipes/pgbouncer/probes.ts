import type {HostRun} from '../kit/step.js';
import {locations} from '../kit/locations.js';

/** PgBouncer on a node: the pool mode its config says, and whether the service runs. */
export type PgbouncerState = {poolMode: string; active: boolean};

/** What PgBouncer on this node is set to and whether it runs. */
export async function pgbouncerState(run: HostRun): Promise<PgbouncerState> {
	const out = (await run(`sed -n 's/^pool_mode *= *//p' ${locations.pgbouncerIni}; systemctl is-active pgbouncer`, {quiet: true, check: false})).stdout.trim().split('\n');
	return {poolMode: out.length > 1 ? (out[0] ?? '') : '', active: out.at(-1) === 'active'};
}

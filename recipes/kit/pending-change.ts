import {locations} from './locations.js';
import type {StepContext} from './step.js';

/** How a unit takes a changed file: a reload, or a restart (which also covers a reload). */
export type Change = 'reload' | 'restart';

/** Where a host records what a unit owes (root's, 0600, in a directory only root can change). */
export const pendingPath = (unit: string) => `${locations.pendingChangesDir}/${unit}`;

const stronger = (a: Change | undefined, b: Change | undefined): Change | undefined => (a === 'restart' || b === 'restart' ? 'restart' : (a ?? b));

/**
 * Records that `unit` must reload or restart because one of its files
 * changed: in the run, and on the host, so a run that stops before the unit's
 * service step (a later phase failed, the connection dropped) leaves the
 * change owed to the next run instead of a unit running its old files.
 */
export async function owe(ctx: StepContext, unit: string, how: Change): Promise<void> {
	const before = ctx.touched.get(unit);
	ctx.touch(unit, how);
	// An earlier file of this run already recorded as much on the host.
	if (ctx.touched.get(unit) === before) return;
	const left = await owedOnHost(ctx, unit);
	const merged = stronger(ctx.touched.get(unit), left)!;
	if (merged !== left) await ctx.conn.writeFile(pendingPath(unit), `${merged}\n`, 'root', 'root', 0o600);
}

/** What `unit` owes: this run's changes, or what an earlier run left on the host. */
export async function owed(ctx: StepContext, unit: string): Promise<Change | undefined> {
	return stronger(ctx.touched.get(unit), await owedOnHost(ctx, unit));
}

/** Once the unit reloaded or restarted: nothing owed any more. */
export async function paid(ctx: StepContext, unit: string): Promise<void> {
	ctx.touched.delete(unit);
	await ctx.run(`rm -f ${pendingPath(unit)}`, {quiet: true});
}

async function owedOnHost(ctx: StepContext, unit: string): Promise<Change | undefined> {
	const text = (await ctx.conn.readFile(pendingPath(unit)))?.trim();
	return text === 'restart' || text === 'reload' ? text : undefined;
}

import type {HostRun, Step, StepContext} from '../../recipes/kit/step.js';
import {remoteShell} from '../../recipes/kit/remote-shell.js';
import {RemoteCommandError, type RunResult} from '../transport/ssh.js';
import type {BatchItem} from '../transport/batch.js';

/** Thrown by a recording run for a command whose result is not known yet. */
class Deferred extends Error {}

/** How many rounds a host's checks get: most checks run one command, a few two in turn (is this the primary? then ask it). */
const maxRounds = 4;

/**
 * Answers every step's check on one host in a few round trips instead of one
 * per command. Each round runs every check against the results known so far;
 * a command not known yet is recorded instead of run, and every command
 * recorded in a round travels to the host as one batch. A check that needs
 * no unknown command in a round has its answer. A check that still needs one
 * after the last round, or that failed, gets no answer here: the runner asks
 * it again the ordinary way, so the result is never a guess.
 *
 * Checks keep their own code: they cannot tell a batched run from a live one.
 * The answers hold only while the host is unchanged; the runner stops using
 * them once a step of the phase applied something.
 */
export async function batchedChecks(steps: readonly Step[], ctx: StepContext): Promise<Map<Step, boolean>> {
	const answers = new Map<Step, boolean>();
	const known = new Map<string, RunResult>();
	const checks = steps.filter(step => step.check);
	if (checks.length < 2 || typeof ctx.conn.runBatch !== 'function') return answers;
	for (let round = 1; ; round++) {
		const wanted = new Map<string, BatchItem>();
		// In step order, one after another: a check may read what an earlier one learned (preflight's facts),
		// so an answer counts only once every earlier check has answered.
		let earlierOpen = false;
		for (const step of checks) {
			if (answers.has(step)) continue;
			let deferred = false;
			const run: HostRun = async (script, options = {}) => {
				// A streamed stdin (a bundle's packages) is not a check's; it never waits for a batch.
				if (options.stdin !== undefined && typeof options.stdin !== 'string') {
					deferred = true;
					throw new Deferred();
				}
				const key = `${script}\0${options.stdin ?? ''}`;
				const result = known.get(key);
				if (!result) {
					wanted.set(key, {script, ...(options.stdin !== undefined ? {stdin: options.stdin} : {})});
					deferred = true;
					throw new Deferred();
				}
				if (options.check !== false && result.code !== 0) throw new RemoteCommandError(ctx.host.name, script, result);
				return result;
			};
			try {
				const answer = await step.check!({...ctx, run, $: remoteShell(run)});
				// A check that caught the deferral (`.catch(() => [])`) answered from nothing: it is asked again.
				if (!deferred && !earlierOpen) answers.set(step, answer);
			} catch {
				// Deferred, or a check that refuses: either way it is asked again, and live if it never answers here.
			}
			if (!answers.has(step)) earlierOpen = true;
		}
		if (wanted.size === 0 || round === maxRounds) break;
		const keys = [...wanted.keys()];
		try {
			const results = await ctx.conn.runBatch([...wanted.values()]);
			keys.forEach((key, i) => known.set(key, results[i]!));
		} catch {
			break;
		}
	}
	return answers;
}

import {applyCluster} from '../engine/install.js';
import {exitCodes} from '../errors.js';
import type {Command} from './context.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

/**
 * `pgha repair [--cluster NAME] [--check]`: compares every host with what the
 * answers render and puts back only what drifted (reload before restart,
 * replicas before the leader, one node at a time). It never re-initialises data.
 * With --check it changes nothing and exits 3 when it finds drift.
 */
export const repair: Command = async (_args, flags, io) => {
	const {answers, raw} = await resolveCluster(flags, io);
	const emit = plainProgress(io, io.env['PGHA_VERBOSE'] === '1');
	// The health model judges on the run's own connections; after a repair HAProxy and replication get a moment to see the fixed state.
	const result = await applyCluster({answers, raw, emit, env: io.env, mode: flags.check ? 'check' : 'apply', skipUnreachable: true, connect: io.connect, judge: {settleMs: flags.check ? 0 : 30_000}});
	const live = (result.findings ?? []).filter(f => !f.ok).map(f => `${f.name}: ${f.evidence}`);
	for (const line of live) io.out(`cluster: ${flags.check ? 'DRIFT' : 'still'} ${line}`);
	const down = result.unreachable.length > 0 ? ` ${result.unreachable.join(', ')} did not answer and ${result.unreachable.length === 1 ? 'was' : 'were'} left alone.` : '';
	if (flags.check) {
		const drifted = (result.drifted ?? 0) + live.length;
		io.out(drifted > 0 ? `pgha: drift found in ${drifted} place(s); \`pgha repair\` puts it back.${down}` : `pgha: no drift.${down}`);
		if (drifted > 0) return exitCodes.drift;
		return result.unreachable.length > 0 || !result.ok ? exitCodes.failed : exitCodes.ok;
	}
	if (!result.ok || result.unreachable.length > 0) {
		io.err(`pgha: repair did not finish.${down}${result.failed ? ` It stopped on ${result.failed.host} at "${result.failed.step}".` : ''}\n  Full log: ${result.logFile}`);
		return exitCodes.failed;
	}
	io.out(`pgha: repaired: ${result.changed} change(s); ${live.length > 0 ? `still wrong: ${live.join('; ')}` : 'the cluster verifies'}`);
	return live.length > 0 ? exitCodes.failed : exitCodes.ok;
};

import {exitCodes, UsageError} from '../errors.js';
import {describeRestartPlan} from '../failover/restart-plan.js';
import {currentRestartPlan, rollingRestart} from '../failover/rolling-restart.js';
import type {Command, Flags} from './context.js';
import {openHealthyCluster, requireConfirmable} from './live-cluster.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The usage errors of `pgha restart`, found before any host is reached. */
export function restartUsage(args: string[], flags: Pick<Flags, 'rolling' | 'member'>): string | undefined {
	if (args.length > 0) return `restart takes no arguments (got "${args.join(' ')}"); name one member with --member NAME`;
	if (flags.member === '') return '--member needs a member name, e.g. --member postgres2';
	if (flags.rolling && flags.member !== undefined) return '--rolling restarts every member and --member NAME one of them; give one or the other';
	return undefined;
}

/**
 * `pgha restart [--cluster NAME] [--rolling] [--member NAME] [--yes]`:
 * PostgreSQL restarted through Patroni without taking the cluster down: the
 * replicas one at a time (each streaming again before the next), then a
 * switchover to a healthy replica, then the former leader. --member restarts
 * one member; the leader only after a switchover, which it says and asks.
 */
export const restart: Command = async (args, flags, io) => {
	const wrong = restartUsage(args, flags);
	if (wrong) throw new UsageError(wrong);
	requireConfirmable(flags, io, 'restart');
	const cluster = await openHealthyCluster(flags, io, 'a restart');
	try {
		const {answers} = cluster;
		const plan = await currentRestartPlan(answers, cluster.connections, flags.member !== undefined ? {member: flags.member} : {});
		if (!plan.ok) {
			io.err(`pgha: restart refused, nothing was restarted:\n  ${plan.problems.join('\n  ')}`);
			return plan.problems.some(p => p.startsWith('--member ')) ? exitCodes.usage : exitCodes.failed;
		}
		io.out(`restart: ${describeRestartPlan(plan.moves)}`);
		const handover = plan.moves.find(m => m.kind === 'switchover');
		if (handover) io.out(`restart: ${handover.from} leads, so it restarts only after a switchover to ${handover.to}; writes through ${answers.network.vip}:5000 pause for a few seconds`);
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			const what = plan.moves.filter(m => m.kind === 'restart').length;
			if (!(await confirm(`Restart ${what} member(s) of "${answers.cluster.name}"${handover ? `, with a switchover from ${handover.from} to ${handover.to}` : ''}?`))) return exitCodes.failed;
		}
		const report = await rollingRestart(answers, cluster.connections, cluster.ca, plan.moves, line => io.out(cluster.redact(line)));
		const times = report.restarted.map(r => `${r.member} ${seconds(r.ms)}`).join(', ');
		if (report.problems.length > 0) {
			io.err(`pgha: restart stopped, nothing further was restarted${times ? ` (restarted: ${times})` : ''}: ${cluster.redact(report.problems.join('; '))}`);
			return exitCodes.failed;
		}
		const pause = report.switchover ? `; the switchover paused writes ${seconds(report.switchover.pauseMs)} and ${report.switchover.to} leads` : '';
		io.out(`pgha: restarted ${times}${pause}.`);
		return exitCodes.ok;
	} finally {
		cluster.close();
	}
};

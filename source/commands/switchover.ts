import {exitCodes, UsageError} from '../errors.js';
import {chooseSwitchover, switchover as runSwitchover, switchoverFacts} from '../failover/switchover.js';
import type {Command} from './context.js';
import {openHealthyCluster, requireConfirmable} from './live-cluster.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `pgha switchover [--cluster NAME] [--to MEMBER] [--yes]`: hands the leader
 * role to a replica through Patroni after pre-checks, measuring the pause of
 * writes through VIP:5000; the old leader streams from the new one after.
 */
export const switchover: Command = async (args, flags, io) => {
	if (args.length > 0) throw new UsageError(`switchover takes no arguments (got "${args.join(' ')}"); name the new leader with --to MEMBER`);
	requireConfirmable(flags, io, 'switchover');
	const cluster = await openHealthyCluster(flags, io, 'a switchover');
	try {
		const {members, rows} = await switchoverFacts(cluster.answers, cluster.connections);
		const choice = chooseSwitchover(members, rows, cluster.answers.patroni.maximumLagOnFailover, flags.to);
		if (!choice.ok) {
			io.err(`pgha: switchover refused, nothing was changed:\n  ${choice.problems.join('\n  ')}`);
			return flags.to !== undefined && !members.some(m => m.Member === flags.to) ? exitCodes.usage : exitCodes.failed;
		}
		io.out(`switchover: ${choice.from} (leader now) -> ${choice.to}; every replica streams, none lags past the limit`);
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm(`Hand the leader role of "${cluster.answers.cluster.name}" from ${choice.from} to ${choice.to}? Writes pause for a few seconds.`))) return exitCodes.failed;
		}
		const report = await runSwitchover(cluster.answers, cluster.connections, cluster.ca, choice, line => io.out(cluster.redact(line)));
		io.out(`switchover: writes through ${cluster.answers.network.vip}:5000 paused ${seconds(report.pauseMs)} (${report.failedStatements - report.failedOutsidePause} statement(s) failed inside the pause, ${report.failedOutsidePause} outside it)`);
		if (report.rejoinedAfterMs !== undefined) io.out(`switchover: ${report.from} streams from ${report.to} ${seconds(report.rejoinedAfterMs)} after the request`);
		if (report.problems.length > 0) {
			io.err(`pgha: switchover did not finish cleanly: ${cluster.redact(report.problems.join('; '))}`);
			return exitCodes.failed;
		}
		io.out(`pgha: ${report.to} leads; ${report.from} is a streaming replica.`);
		return exitCodes.ok;
	} finally {
		cluster.close();
	}
};

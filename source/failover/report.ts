/** What a drill measured on the live cluster; saved with the cluster and shown by `pgha status`. */
export type DrillReport = {
	/** failover drills: how the leader was failed; vip: HAProxy killed on the VIP holder. */
	kind: 'crash' | 'partition' | 'graceful' | 'vip';
	cluster: string;
	/** When the fault was made (ISO 8601). */
	at: string;
	durability: string;
	rto: string;
	/** The failed host: the leader, or for the VIP drill the balancer that held the VIP. */
	failed: string;
	leaderBefore?: string;
	leaderAfter?: string;
	vipBefore?: string;
	vipAfter?: string;
	writers: number;
	/** Commits the writers had acknowledged. */
	acknowledged: number;
	/** Acknowledged commits the database no longer holds. */
	lost: number;
	/** The longest stretch without an acknowledged write after the fault (ms); absent when writes never came back. */
	pauseMs?: number;
	/** From the fault to the first acknowledged write after that stretch (ms). */
	resumedAfterMs?: number;
	/** The preset's expected worst case for writes to come back (ms). */
	expectedWorstMs?: number;
	/** From putting the failed host back to it streaming as a replica (failover drills), or to the VIP being back on it (VIP drill). */
	rejoinedAfterMs?: number;
	/** The old leader needed pg_rewind to follow the new one. */
	rewound?: boolean;
	/** Statements that failed during the drill (all inside the pause when all is well). */
	failedStatements: number;
	/** Everything that went wrong; empty when the drill passed. */
	problems: string[];
};

const secondsOf = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The drill's figures, a line each, as the command prints them. */
export function formatDrill(report: DrillReport): string[] {
	const what = report.kind === 'vip' ? `VIP drill (HAProxy killed on ${report.failed})` : `failover drill (${report.kind} of leader ${report.failed})`;
	const lines = [
		`${what}, ${report.durability}/${report.rto}, ${report.at}`,
		`  writes back after:   ${secondsOf(report.resumedAfterMs)}${report.expectedWorstMs ? ` (expected worst case ${secondsOf(report.expectedWorstMs)})` : ''}; longest pause ${secondsOf(report.pauseMs)}`,
		`  acknowledged writes: ${report.acknowledged} by ${report.writers} writers, ${report.lost} lost; ${report.failedStatements} statement(s) failed during the pause`,
	];
	if (report.leaderBefore) lines.push(`  leader:              ${report.leaderBefore} -> ${report.leaderAfter ?? 'none'}`);
	lines.push(`  VIP:                 ${report.vipBefore ?? 'nobody'} -> ${report.vipAfter ?? 'nobody'}${report.vipBefore === report.vipAfter ? ' (did not move)' : ' (moved)'}`);
	if (report.kind !== 'vip') lines.push(`  ${report.failed} streaming again: ${secondsOf(report.rejoinedAfterMs)} after it was put back${report.rewound ? ' (pg_rewind)' : ''}`);
	else lines.push(`  VIP back on ${report.failed}: ${secondsOf(report.rejoinedAfterMs)} after HAProxy was put back`);
	lines.push(report.problems.length === 0 ? '  passed' : `  FAILED: ${report.problems.join('; ')}`);
	return lines;
}

/** One line for `pgha status`: the latest drill of a kind. */
export function drillSummary(report: DrillReport): string {
	const verdict = report.problems.length === 0 ? 'passed' : 'FAILED';
	const what = report.kind === 'vip' ? 'vip' : `failover ${report.kind}`;
	return `${what} ${report.at.slice(0, 16).replace('T', ' ')}: ${verdict}, writes back after ${secondsOf(report.resumedAfterMs)}, ${report.lost} acknowledged write(s) lost${report.kind === 'vip' ? '' : `, old leader streaming ${secondsOf(report.rejoinedAfterMs)} after it was back`}`;
}

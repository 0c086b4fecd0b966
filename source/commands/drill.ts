import {haTiming, partitionExtraSeconds} from '../answers/ha-timing.js';
import type {Answers} from '../answers/schema.js';
import {exitCodes, UsageError} from '../errors.js';
import {drillFailover, drillVip, vipDrillRefusal, type DrillSetup} from '../failover/drill.js';
import {formatDrill} from '../failover/report.js';
import {saveDrill} from '../failover/store.js';
import type {Command} from './context.js';
import {openHealthyCluster, requireConfirmable} from './live-cluster.js';
import {resolveCluster} from './resolve-cluster.js';

const usage = 'pgha drill failover [--kind crash|partition|graceful] [--cluster NAME] [--yes] | pgha drill vip [--cluster NAME] [--yes]';
const kinds = ['crash', 'partition', 'graceful'] as const;
type Kind = (typeof kinds)[number];

const howFailed: Record<Kind, string> = {
	crash: 'Patroni and PostgreSQL are killed at once with no shutdown, as in a power cut, and kept down until a new leader serves',
	partition: 'the leader stops talking to every other cluster host (routes dropped), until a new leader serves',
	graceful: 'Patroni is stopped cleanly and hands the leader role over',
};

/** The durability and speed choices a drill is judged against. */
function choices(answers: Answers, kind: Kind | 'vip'): Pick<DrillSetup, 'durability' | 'rto' | 'expectedWorstMs'> {
	const timing = haTiming(answers);
	const worst = timing.worstCaseSeconds + (kind === 'partition' ? partitionExtraSeconds(timing.haproxy) : 0);
	return {durability: answers.ha.durability, rto: timing.rto, expectedWorstMs: worst * 1000};
}

/**
 * `pgha drill failover|vip`: fails the leader (or HAProxy on the VIP holder)
 * for real on a healthy cluster while writers commit through VIP:5000, puts
 * it back, and reports how long writes stopped, what was lost and how the
 * cluster healed. The report is saved with the cluster; `pgha status` shows it.
 * Exit 0 when the drill passed, 1 when it found a problem.
 */
export const drill: Command = async (args, flags, io) => {
	const [what, ...rest] = args;
	if ((what !== 'failover' && what !== 'vip') || rest.length > 0) throw new UsageError(`drill needs what to drill: ${usage}`);
	const kind = (flags.kind ?? 'crash') as Kind;
	if (what === 'failover' && !kinds.includes(kind)) throw new UsageError(`--kind must be crash, partition or graceful, not "${flags.kind}"`);
	if (what === 'vip' && flags.kind !== undefined) throw new UsageError('--kind is for `pgha drill failover`; the VIP drill always kills HAProxy on the balancer holding the VIP');
	if (what === 'vip') {
		// Refused from the answers alone, before any host is contacted.
		const refusal = vipDrillRefusal((await resolveCluster(flags, io)).answers);
		if (refusal) throw new UsageError(refusal);
	}
	requireConfirmable(flags, io, `drill ${what}`);
	const cluster = await openHealthyCluster(flags, io, 'a drill');
	try {
		const {answers} = cluster;
		const setup: DrillSetup = {...choices(answers, what === 'vip' ? 'vip' : kind), answers, connections: cluster.connections, ca: cluster.ca, log: line => io.out(cluster.redact(line))};
		const warning =
			what === 'failover'
				? `This drill fails the leader of "${answers.cluster.name}" for real: ${howFailed[kind]}. Writes through ${answers.network.vip}:5000 stop for up to about ${Math.round(setup.expectedWorstMs / 1000)} s${setup.durability === 'async' ? ', and with async durability acknowledged writes may be lost (the drill counts them)' : ''}. It writes to a table pgha_drill in database ${answers.database.name} and drops it after.`
				: `This drill kills HAProxy on the balancer holding ${answers.network.vip} for real; another balancer takes the VIP and writes pause for a few seconds, twice (when it moves and when it returns).`;
		io.out(warning);
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm('Run the drill?'))) return exitCodes.failed;
		}
		const report = what === 'failover' ? await drillFailover(setup, kind) : await drillVip(setup);
		saveDrill(report, io.env);
		for (const line of formatDrill(report)) io.out(cluster.redact(line));
		return report.problems.length === 0 ? exitCodes.ok : exitCodes.failed;
	} finally {
		cluster.close();
	}
};

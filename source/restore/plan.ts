import {describeTarget, formatUtc, type RestoreTarget} from './target.js';
import {backupServes, latestTimeline, lsnValue, timelineAt, timelineOfWal, type Timeline} from './timelines.js';

/** A backup in the repository, as the restore planner weighs it. */
export type RestoreBackup = {
	label: string;
	type: string;
	startedAt: Date;
	stoppedAt: Date;
	timeline: number;
	lsnStart: string;
	lsnStop: string;
	/** The last WAL segment the backup needs to be consistent. */
	walStop: string;
	sizeBytes: number;
};

/** An archived WAL segment: its name and when it reached the repository. */
export type WalSegment = {name: string; at: Date};

/** What the repository holds, read before a restore is planned. */
export type RestoreFacts = {backups: RestoreBackup[]; timelines: Timeline[]; wal: WalSegment[]; now: Date};

/** How a restore will go: the backup it starts from, the timeline it follows, pgBackRest's options, and what it costs. */
export type RestorePlan = {
	target: RestoreTarget;
	backup: RestoreBackup;
	/** The timeline recovery follows; the restore then begins a new one. */
	timeline: number;
	/** pgBackRest restore options besides the stanza (and --delta). */
	restoreOptions: string[];
	/** WAL segments to replay after the backup, about. */
	replaySegments: number;
	/** WAL segments archived after the target, whose changes the restore leaves out. */
	lostSegments: number;
	/** A rough estimate of the write downtime, in seconds. */
	estimateSeconds: number;
	warnings: string[];
};

/** Either a plan, or why no restore can reach the target (said the way the person fixes it). */
export type PlanResult = {ok: true; plan: RestorePlan} | {ok: false; problem: string};

const segmentBytes = 16 * 1024 * 1024;
// Rough rates for the estimate: copying files from the repository, and replaying WAL.
const copyBytesPerSecond = 100 * 1024 * 1024;
const replayBytesPerSecond = 50 * 1024 * 1024;
// Stopping Patroni, recovery's start, Patroni's start and its first loop.
const fixedSeconds = 30;

const isSegment = (name: string) => /^[0-9A-F]{24}$/.test(name);
/** A segment's place in the WAL stream, whatever its timeline: the name without its first 8 digits. */
const position = (name: string) => name.slice(8);
const positionOfLsn = (lsn: string) => {
	const value = lsnValue(lsn);
	const hex = (n: bigint) => n.toString(16).toUpperCase().padStart(8, '0');
	return `${hex(value >> 32n)}${hex((value & 0xffffffffn) >> 24n)}`;
};

/** The timelines a recovery following `timeline` reads WAL from. */
function lineage(timeline: number, timelines: readonly Timeline[]): Set<number> {
	return new Set([timeline, ...(timelines.find(t => t.id === timeline)?.ancestry.map(s => s.timeline) ?? [])]);
}

/** The range a repository can restore to: from the oldest backup's end to the newest archived WAL. */
export function restorableRange(facts: RestoreFacts): {from?: Date; to?: Date} {
	const from = facts.backups.map(b => b.stoppedAt).sort((a, b) => a.getTime() - b.getTime())[0];
	const newest = facts.wal.filter(w => isSegment(w.name)).map(w => w.at).sort((a, b) => a.getTime() - b.getTime()).at(-1);
	const latestStop = facts.backups.map(b => b.stoppedAt).sort((a, b) => a.getTime() - b.getTime()).at(-1);
	return {from, to: newest && latestStop && newest < latestStop ? latestStop : (newest ?? latestStop)};
}

/**
 * Plans a restore to `target` from what the repository holds: the newest
 * backup that serves the timeline the target lies on, and pgBackRest's
 * options. Pure.
 */
export function planRestore(facts: RestoreFacts, target: RestoreTarget): PlanResult {
	const {backups} = facts;
	// A timeline the repository holds backups or WAL of but no history file for (the first, or every one before a
	// repository that was lost and made anew) counts as begun from the start, with no known ancestors.
	const known = new Set(facts.timelines.map(t => t.id));
	const unrecorded = [...new Set([...backups.map(b => b.timeline), ...facts.wal.map(w => timelineOfWal(w.name))])].filter(id => !known.has(id));
	const timelines: Timeline[] = [...facts.timelines, ...unrecorded.map(id => ({id, ancestry: []}))];
	if (backups.length === 0) return {ok: false, problem: 'the repository holds no backup, so there is nothing to restore from'};
	const newestFirst = [...backups].sort((a, b) => b.stoppedAt.getTime() - a.stoppedAt.getTime());
	const range = restorableRange(facts);
	const warnings: string[] = [];
	let timeline: number;
	let backup: RestoreBackup | undefined;
	let restoreOptions: string[];
	switch (target.kind) {
		case 'time': {
			if (target.at.getTime() > facts.now.getTime()) return {ok: false, problem: `${formatUtc(target.at)} is in the future; the latest point is now (--to latest)`};
			timeline = timelineAt(timelines, target.at);
			backup = newestFirst.find(b => b.stoppedAt.getTime() <= target.at.getTime() && backupServes(b, timeline, timelines));
			if (!backup)
				return {
					ok: false,
					problem: `no backup finished before ${formatUtc(target.at)} on the history of timeline ${timeline}; the earliest point this repository can restore to is ${range.from ? formatUtc(range.from) : 'unknown'}`,
				};
			if (range.to && target.at.getTime() > range.to.getTime())
				warnings.push(`the newest archived WAL reached the repository at ${formatUtc(range.to)}; changes after it that were not archived yet cannot be restored`);
			restoreOptions = [`--set=${backup.label}`, '--type=time', `--target=${formatUtc(target.at)}`, `--target-timeline=${timeline}`, '--target-action=promote'];
			break;
		}
		case 'lsn': {
			timeline = latestTimeline(timelines);
			backup = newestFirst.find(b => lsnValue(b.lsnStop) <= lsnValue(target.lsn) && backupServes(b, timeline, timelines));
			if (!backup) return {ok: false, problem: `no backup ends at or before LSN ${target.lsn} on the history of timeline ${timeline}; see \`pgha backups\` for each backup's LSN range`};
			restoreOptions = [`--set=${backup.label}`, '--type=lsn', `--target=${target.lsn}`, `--target-timeline=${timeline}`, '--target-action=promote'];
			break;
		}
		case 'latest': {
			timeline = latestTimeline(timelines);
			backup = newestFirst.find(b => backupServes(b, timeline, timelines));
			if (!backup) return {ok: false, problem: `no backup serves the newest timeline ${timeline}`};
			// PostgreSQL 15 follows the newest timeline by default.
			restoreOptions = [`--set=${backup.label}`, '--type=default'];
			break;
		}
		case 'backup': {
			backup = backups.find(b => b.label === target.label);
			if (!backup) return {ok: false, problem: `there is no backup ${target.label}; the repository holds ${backups.map(b => b.label).join(', ')}`};
			timeline = backup.timeline;
			// pgBackRest takes --target-timeline only with a target of its own; the backup's timeline is named to PostgreSQL directly,
			// so a backup that a later timeline branched away from is still accepted.
			restoreOptions = [`--set=${backup.label}`, '--type=immediate', '--target-action=promote', '--recovery-option=recovery_target_timeline=current'];
			break;
		}
	}
	const chosen = backup;
	const followed = lineage(timeline, timelines);
	const current = lineage(latestTimeline(timelines), timelines);
	const segments = facts.wal.filter(w => isSegment(w.name));
	const afterBackup = (w: WalSegment) => position(w.name) > position(chosen.walStop);
	const beforeTarget = (w: WalSegment) =>
		target.kind === 'time' ? w.at.getTime() <= target.at.getTime() : target.kind === 'lsn' ? position(w.name) <= positionOfLsn(target.lsn) : target.kind === 'latest';
	const replaySegments = segments.filter(w => followed.has(timelineOfWal(w.name)) && afterBackup(w) && beforeTarget(w)).length + (target.kind === 'time' || target.kind === 'lsn' ? 1 : 0);
	const lostSegments =
		target.kind === 'latest'
			? 0
			: segments.filter(w => current.has(timelineOfWal(w.name)) && (target.kind === 'backup' ? afterBackup(w) : !beforeTarget(w) && afterBackup(w))).length;
	const estimateSeconds = Math.round(fixedSeconds + chosen.sizeBytes / copyBytesPerSecond + (replaySegments * segmentBytes) / replayBytesPerSecond);
	return {ok: true, plan: {target, backup: chosen, timeline, restoreOptions, replaySegments, lostSegments, estimateSeconds, warnings}};
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** The plan as the person reads it before saying yes. Pure. */
export function describePlan(plan: RestorePlan, options: {cluster: string; leader: string; replicas: string[]; repository: string; vip: string; source?: string}): string[] {
	const {backup} = plan;
	if (options.source)
		return [
			`New cluster "${options.cluster}" restored from cluster ${options.source}'s repository, to ${describeTarget(plan.target)}`,
			`  from backup ${backup.label} (${backup.type}, finished ${formatUtc(backup.stoppedAt)}, ${megabytes(backup.sizeBytes)}) on timeline ${backup.timeline}, kept on ${options.repository}`,
			`  WAL to replay: about ${plan.replaySegments} segment(s), following timeline ${plan.timeline}`,
			`  ${options.source} is only read: its repository lets ${options.leader} in for the restore and forgets it after; ${options.source} keeps running`,
			`  then: "${options.cluster}" gets every host installed as in \`pgha install\`, its own CA, passwords (set on the restored roles) and repository with a first full backup; ${options.replicas.length > 0 ? `${options.replicas.join(', ')} clone from it` : 'no replica'}; clients connect through ${options.vip}`,
			...plan.warnings.map(w => `  note: ${w}`),
		];
	return [
		`Restore of cluster "${options.cluster}" to ${describeTarget(plan.target)}`,
		`  from backup ${backup.label} (${backup.type}, finished ${formatUtc(backup.stoppedAt)}, ${megabytes(backup.sizeBytes)}) on timeline ${backup.timeline}, kept on ${options.repository}`,
		`  WAL to replay: about ${plan.replaySegments} segment(s) (up to ${megabytes(plan.replaySegments * segmentBytes)}), following timeline ${plan.timeline}; the restored cluster then writes on a new timeline`,
		plan.target.kind === 'latest'
			? '  lost: only changes that were never archived (the last moments before a loss)'
			: `  lost: every change committed after the target: about ${plan.lostSegments} archived WAL segment(s) after it, and whatever was not archived yet. The backups and WAL stay in the repository, so a later restore can still reach them`,
		`  downtime: writes through ${options.vip}:5000 and reads through :5001 stop now and come back once ${options.leader} is promoted and Patroni leads (estimate ${plan.estimateSeconds} s); reads on :5001 need a replica back too`,
		`  then: a fresh full backup on the new timeline, and ${options.replicas.length > 0 ? `${options.replicas.join(', ')} re-created from it (their data directories are emptied)` : 'no replica to re-create'}`,
		...plan.warnings.map(w => `  note: ${w}`),
	];
}

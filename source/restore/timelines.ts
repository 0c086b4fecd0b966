/** One line of a timeline history file: the ancestor timeline and the LSN where the history left it. */
export type TimelineSwitch = {timeline: number; switchLsn: string; reason: string};

/** A timeline of the cluster: its history (every ancestor and where it branched) and when it began, as its history file's time in the repository says. */
export type Timeline = {id: number; createdAt?: Date; ancestry: TimelineSwitch[]};

/** An LSN (0/5000028) as a number, so two can be compared. */
export function lsnValue(lsn: string): bigint {
	const [high = '0', low = '0'] = lsn.split('/');
	return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** The timeline a WAL segment or history file name starts with (its first 8 hex digits). */
export function timelineOfWal(name: string): number {
	return Number.parseInt(name.slice(0, 8), 16);
}

/**
 * A timeline history file (0000000N.history): one line per ancestor,
 * "parent<TAB>switch LSN<TAB>reason"; comments and blank lines skipped. Pure.
 */
export function parseHistory(text: string): TimelineSwitch[] {
	return text.split('\n').flatMap(line => {
		const trimmed = line.trim();
		if (trimmed === '' || trimmed.startsWith('#')) return [];
		const [timeline, switchLsn, ...reason] = trimmed.split(/\s+/);
		const id = Number(timeline);
		if (!Number.isInteger(id) || !switchLsn || !/^[0-9A-F]+\/[0-9A-F]+$/i.test(switchLsn)) return [];
		return [{timeline: id, switchLsn: switchLsn.toUpperCase(), reason: reason.join(' ')}];
	});
}

/**
 * The timeline the cluster was writing on at a moment: the newest one begun
 * by then. A promotion (failover or restore) starts a timeline, and from then
 * on that one takes the writes, so a time on a timeline a restore later left
 * (an "older" timeline) is found here too. The first timeline has no history
 * file and counts as begun from the start.
 */
export function timelineAt(timelines: readonly Timeline[], at: Date): number {
	const begun = timelines.filter(t => !t.createdAt || t.createdAt.getTime() <= at.getTime());
	const newest = begun.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.id - b.id).at(-1);
	return newest?.id ?? 1;
}

/** The newest timeline the repository knows. */
export function latestTimeline(timelines: readonly Timeline[]): number {
	return Math.max(1, ...timelines.map(t => t.id));
}

/**
 * Whether a backup can start a recovery that follows `timeline`: it was taken
 * on that timeline, or on one of its ancestors before the history left it
 * (a backup taken after the branch point holds changes the timeline never had).
 */
export function backupServes(backup: {timeline: number; lsnStop: string}, timeline: number, timelines: readonly Timeline[]): boolean {
	if (backup.timeline === timeline) return true;
	const history = timelines.find(t => t.id === timeline)?.ancestry ?? [];
	const left = history.find(s => s.timeline === backup.timeline);
	return left !== undefined && lsnValue(backup.lsnStop) <= lsnValue(left.switchLsn);
}

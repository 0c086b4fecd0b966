import type {Commit, WriteFailure, WriterLog} from './writers.js';

/** The longest stretch after a fault in which no writer had a commit acknowledged. */
export type WritePause = {
	/** The last acknowledgement before the stretch (ms since the epoch). */
	from: number;
	/** The first acknowledgement after it; undefined when writes never came back. */
	to?: number;
	/** Milliseconds without an acknowledged write. */
	ms: number;
	/** From the fault to the first acknowledgement after the stretch: "writes were back N s after the fault". */
	resumedAfterMs?: number;
};

/**
 * The pause a fault caused: the longest gap between acknowledged commits
 * from the last one before the fault to the end of the run. Writes that never
 * came back give a pause running to the end, with no resume time.
 */
export function writePause(log: WriterLog, faultAt: number): WritePause {
	const times = log.commits.map(c => c.at).sort((a, b) => a - b);
	const before = times.filter(t => t <= faultAt).at(-1) ?? Math.min(faultAt, log.startedAt);
	const after = times.filter(t => t > faultAt);
	let best: WritePause = {from: before, ms: (after[0] ?? log.stoppedAt) - before};
	if (after.length === 0) return best;
	best = {from: before, to: after[0], ms: after[0]! - before};
	for (let i = 1; i < after.length; i++) {
		const gap = after[i]! - after[i - 1]!;
		if (gap > best.ms) best = {from: after[i - 1]!, to: after[i]!, ms: gap};
	}
	return {...best, resumedAfterMs: best.to! - faultAt};
}

/** Acknowledged commits the database no longer holds: each is a write a client was told was safe, and lost. */
export function lostCommits(commits: readonly Commit[], stored: ReadonlySet<string>): Commit[] {
	return commits.filter(c => !stored.has(commitKey(c.writer, c.seq)));
}

/** How a commit is named when comparing what was acknowledged with what the table holds. */
export function commitKey(writer: number, seq: number): string {
	return `${writer}:${seq}`;
}

/**
 * Failures that were not in flight during a window (with some slack either
 * side): a statement that failed when nothing should have. A statement issued
 * inside the pause may time out after it ended; it failed because of the pause.
 */
export function failuresOutside(failures: readonly WriteFailure[], window: {from: number; to: number}, slackMs = 500): WriteFailure[] {
	return failures.filter(f => f.at < window.from - slackMs || f.issued > window.to + slackMs);
}

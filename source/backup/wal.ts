/**
 * WAL segment names (`TTTTTTTTLLLLLLLLSSSSSSSS`: timeline, log, segment, in
 * hex). pgha's clusters keep PostgreSQL's default 16 MiB segments, so a log
 * holds 256 of them (00 to FF).
 */
const segmentsPerLog = 0x100;

/** True for a 24-hex WAL segment name. */
export function isWalName(name: string): boolean {
	return /^[0-9A-F]{24}$/.test(name);
}

/** The timeline a WAL segment belongs to: its first 8 hex digits. */
export function walTimeline(name: string): number {
	return Number.parseInt(name.slice(0, 8), 16);
}

/** A segment's position within its timeline, so that two names can be counted between. */
function walPosition(name: string): number {
	return Number.parseInt(name.slice(8, 16), 16) * segmentsPerLog + Number.parseInt(name.slice(16, 24), 16);
}

function walName(timeline: number, position: number): string {
	const hex = (value: number) => value.toString(16).toUpperCase().padStart(8, '0');
	return `${hex(timeline)}${hex(Math.floor(position / segmentsPerLog))}${hex(position % segmentsPerLog)}`;
}

/**
 * Every segment name from start to stop, both included: the WAL a backup
 * needs to be consistent. Undefined when the two are on different timelines
 * or more than `limit` apart (then only the ends can be checked).
 */
export function walRange(start: string, stop: string, limit = 100_000): string[] | undefined {
	if (!isWalName(start) || !isWalName(stop) || walTimeline(start) !== walTimeline(stop)) return undefined;
	const from = walPosition(start);
	const to = walPosition(stop);
	if (to < from || to - from >= limit) return undefined;
	const timeline = walTimeline(start);
	return Array.from({length: to - from + 1}, (_, i) => walName(timeline, from + i));
}

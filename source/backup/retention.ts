import type {BackupType} from './catalog.js';

/** What the repository's config tells pgBackRest to keep: repo1-retention-full, and repo1-retention-diff when set (counts, not days). */
export type Retention = {full: number; diff?: number};

/** A backup as retention sees it: its kind and the backup it builds on. */
type Kept = {label: string; type: BackupType; prior: string | null};

/** The type pgBackRest really takes: a diff or incr with no full backup to build on becomes a full one. */
export function effectiveType(backups: readonly Kept[], type: BackupType): BackupType {
	return backups.some(b => b.type === 'full') ? type : 'full';
}

/**
 * The backups pgBackRest's expire, which runs after every backup, removes
 * once a backup of `type` is added, oldest first: said before a backup so
 * nobody is surprised that the oldest restore point moved. As in pgBackRest
 * 2.45: past repo1-retention-full full backups the oldest full ones go with
 * every backup built on them; past repo1-retention-diff full-or-diff backups
 * the oldest diff ones (never a full one) go with theirs.
 */
export function expiredAfter(backups: readonly Kept[], type: BackupType, retention: Retention): string[] {
	const kind = effectiveType(backups, type);
	const latestFull = backups.filter(b => b.type === 'full').at(-1)?.label ?? null;
	const prior = kind === 'full' ? null : kind === 'diff' ? latestFull : (backups.at(-1)?.label ?? null);
	let kept: Kept[] = [...backups, {label: '', type: kind, prior}];
	const expired = new Set<string>();
	const expire = (label: string) => {
		// The backup and, transitively, every backup whose prior it is.
		const gone = new Set([label]);
		for (const b of kept) if (b.prior !== null && gone.has(b.prior)) gone.add(b.label);
		for (const name of gone) expired.add(name);
		kept = kept.filter(b => !gone.has(b.label));
	};
	const fulls = kept.filter(b => b.type === 'full');
	for (const full of fulls.slice(0, Math.max(0, fulls.length - retention.full))) expire(full.label);
	if (retention.diff !== undefined) {
		const counted = kept.filter(b => b.type === 'full' || b.type === 'diff');
		for (const b of counted.slice(0, Math.max(0, counted.length - retention.diff))) if (b.type === 'diff') expire(b.label);
	}
	return backups.filter(b => expired.has(b.label)).map(b => b.label);
}

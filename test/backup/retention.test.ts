import {describe, expect, it} from 'vitest';
import type {BackupType} from '../../source/backup/catalog.js';
import {effectiveType, expiredAfter} from '../../source/backup/retention.js';

/** Backups from a compact notation, oldest first: F1, F1D1 (diff on F1), F1D1I1 (incr on the one before). */
function chain(...labels: string[]): Array<{label: string; type: BackupType; prior: string | null}> {
	return labels.map((label, i) => ({label, type: label.endsWith('I1') || label.endsWith('I2') ? 'incr' : /D\d$/.test(label) ? 'diff' : 'full', prior: label.match(/^F\d$/) ? null : labels[i - 1]!}));
}

describe('expiredAfter', () => {
	it('nothing while the full backups fit the retention', () => {
		expect(expiredAfter(chain('F1', 'F1I1'), 'full', {full: 3})).toEqual([]);
		expect(expiredAfter(chain('F1', 'F1I1', 'F2'), 'full', {full: 3})).toEqual([]);
	});

	it('one full backup too many: the oldest goes with every backup built on it', () => {
		const backups = [...chain('F1', 'F1D1', 'F1D1I1'), ...chain('F2', 'F2I1')];
		expect(expiredAfter(backups, 'full', {full: 2})).toEqual(['F1', 'F1D1', 'F1D1I1']);
		// An incr adds no full backup: nothing goes.
		expect(expiredAfter(backups, 'incr', {full: 2})).toEqual([]);
	});

	it('retention-diff counts full and diff backups but expires only diff ones, with their incrs', () => {
		const backups = [...chain('F1', 'F1D1', 'F1D1I1'), {label: 'F1D2', type: 'diff' as const, prior: 'F1'}];
		// F1, D1, D2 and the new diff: four past retention-diff 2, so F1 (skipped: full) and D1 (with its incr) are the oldest two.
		expect(expiredAfter(backups, 'diff', {full: 3, diff: 2})).toEqual(['F1D1', 'F1D1I1']);
		// An incr adds no diff: F1, D1 and D2 are one past, and that one is the full backup, which stays.
		expect(expiredAfter(backups, 'incr', {full: 3, diff: 2})).toEqual([]);
		expect(expiredAfter(backups, 'diff', {full: 3})).toEqual([]);
	});

	it('a diff or incr with no full backup becomes a full one', () => {
		expect(effectiveType([], 'incr')).toBe('full');
		expect(effectiveType(chain('F1'), 'diff')).toBe('diff');
		expect(expiredAfter([], 'incr', {full: 1})).toEqual([]);
	});
});

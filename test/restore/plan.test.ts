import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseRestoreFacts} from '../../source/restore/facts.js';
import {describePlan, planRestore, restorableRange} from '../../source/restore/plan.js';

// What the repository host of a lab cluster printed after three restores (one of them to a timeline a restore had left) and a failover.
const facts = parseRestoreFacts(readFileSync(new URL('fixtures/repository-8-timelines.txt', import.meta.url), 'utf8'), 'lab', new Date('2026-12-01T05:10:00Z'));

describe('parseRestoreFacts', () => {
	it("reads pgBackRest's backups, the timelines with when each began, and the archived segments", () => {
		expect(facts.backups.map(b => [b.label, b.timeline, b.lsnStop])).toEqual([
			['20261201-045401F', 3, '0/9000138'],
			['20261201-045449F', 5, '0/9000100'],
			['20261201-045557F', 8, '0/10000100'],
		]);
		expect(facts.timelines.map(t => t.id).sort()).toEqual([3, 4, 5, 6, 7, 8]);
		expect(facts.timelines.find(t => t.id === 8)?.ancestry.map(s => s.timeline)).toEqual([1, 4, 5, 6, 7]);
		// Backup label files (.backup) are not WAL.
		expect(facts.wal.every(w => /^[0-9A-F]{24}$/.test(w.name))).toBe(true);
		expect(facts.wal).toHaveLength(15);
	});
});

describe('planRestore', () => {
	it('restores latest from the newest backup, replaying every archived segment', () => {
		const result = planRestore(facts, {kind: 'latest'});
		if (!result.ok) throw new Error(result.problem);
		expect(result.plan.backup.label).toBe('20261201-045557F');
		expect(result.plan.restoreOptions).toEqual(['--set=20261201-045557F', '--type=default']);
		expect(result.plan.lostSegments).toBe(0);
	});

	it('restores a time on an older timeline from a backup of that timeline, following it', () => {
		const result = planRestore(facts, {kind: 'time', at: new Date('2026-12-01T04:54:30Z')});
		if (!result.ok) throw new Error(result.problem);
		expect(result.plan.timeline).toBe(3);
		expect(result.plan.backup.label).toBe('20261201-045401F');
		expect(result.plan.restoreOptions).toEqual(['--set=20261201-045401F', '--type=time', '--target=2026-12-01 04:54:30.000+00', '--target-timeline=3', '--target-action=promote']);
		expect(result.plan.lostSegments).toBeGreaterThan(0);
	});

	it('refuses a time before the oldest backup and one in the future, naming the range', () => {
		const early = planRestore(facts, {kind: 'time', at: new Date('2026-12-01T04:50:00Z')});
		expect(early).toEqual({ok: false, problem: expect.stringContaining('the earliest point this repository can restore to is 2026-12-01 04:54:04.000+00')});
		expect(planRestore(facts, {kind: 'time', at: new Date('2026-12-02T00:00:00Z')})).toEqual({ok: false, problem: expect.stringContaining('in the future')});
	});

	it('restores to the end of a named backup, and refuses a label the repository does not hold', () => {
		const result = planRestore(facts, {kind: 'backup', label: '20261201-045449F'});
		if (!result.ok) throw new Error(result.problem);
		expect(result.plan.restoreOptions).toEqual(['--set=20261201-045449F', '--type=immediate', '--target-action=promote', '--recovery-option=recovery_target_timeline=current']);
		expect(planRestore(facts, {kind: 'backup', label: '20990101-000000F'})).toEqual({ok: false, problem: expect.stringContaining('20261201-045401F, 20261201-045449F, 20261201-045557F')});
	});

	it('picks, for an LSN, the newest backup ending before it on the current history', () => {
		const result = planRestore(facts, {kind: 'lsn', lsn: '0/D000000'});
		if (!result.ok) throw new Error(result.problem);
		expect(result.plan.backup.label).toBe('20261201-045449F');
		expect(result.plan.timeline).toBe(8);
	});

	it('says the plan: backup, WAL, what is lost, downtime and the replicas', () => {
		const result = planRestore(facts, {kind: 'time', at: new Date('2026-12-01T04:54:30Z')});
		if (!result.ok) throw new Error(result.problem);
		const text = describePlan(result.plan, {cluster: 'lab', leader: 'postgres1', replicas: ['postgres2', 'postgres3'], repository: 'repo', vip: '10.0.0.5'}).join('\n');
		expect(text).toContain('from backup 20261201-045401F (full');
		expect(text).toContain('lost: every change committed after the target');
		expect(text).toMatch(/downtime: .*estimate \d+ s/);
		expect(text).toContain('postgres2, postgres3 re-created from it');
		expect(restorableRange(facts).from).toEqual(new Date('2026-12-01T04:54:04Z'));
	});

	it('refuses an empty repository', () => {
		expect(planRestore({backups: [], timelines: [], wal: [], now: new Date()}, {kind: 'latest'})).toEqual({ok: false, problem: expect.stringContaining('no backup')});
	});
});

describe('planRestore on a repository made anew', () => {
	it('takes a timeline it has no history file for as begun from the start', () => {
		const backup = {label: '20261201-060000F', type: 'full', startedAt: new Date('2026-12-01T06:00:00Z'), stoppedAt: new Date('2026-12-01T06:00:05Z'), timeline: 8, lsnStart: '0/20000028', lsnStop: '0/20000100', walStop: '000000080000000000000020', sizeBytes: 1};
		const wal = [{name: '000000080000000000000021', at: new Date('2026-12-01T06:05:00Z')}];
		const result = planRestore({backups: [backup], timelines: [], wal, now: new Date('2026-12-01T07:00:00Z')}, {kind: 'time', at: new Date('2026-12-01T06:03:00Z')});
		if (!result.ok) throw new Error(result.problem);
		expect(result.plan.timeline).toBe(8);
		expect(result.plan.backup.label).toBe('20261201-060000F');
	});
});

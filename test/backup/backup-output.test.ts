import {describe, expect, it} from 'vitest';
import {backupFailure, consoleText, newBackupLabel, worthShowing} from '../../source/backup/backup-output.js';
import {fullBackupOutput, lockedBackup} from './fixtures.js';

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('pgBackRest backup console lines', () => {
	it('shows where the WAL starts and stops, the label and the sizes; not the per-file lines nor the options', () => {
		expect(lines(fullBackupOutput).filter(worthShowing).map(consoleText)).toEqual([
			'INFO: execute non-exclusive backup start: backup begins after the requested immediate checkpoint completes',
			'INFO: backup start archive = 000000010000000000000004, lsn = 0/4000028',
			'INFO: check archive for prior segment 000000010000000000000003',
			'INFO: execute non-exclusive backup stop and wait for all WAL segments to archive',
			'INFO: backup stop archive = 000000010000000000000004, lsn = 0/4000100',
			'INFO: check archive for segment(s) 000000010000000000000004:000000010000000000000004',
			'INFO: new backup label = 20261201-044427F',
			'INFO: full backup size = 41.7MB, file total = 967',
		]);
	});

	it('shows what retention expired, warnings, errors and their hints', () => {
		for (const line of [
			'2026-12-01 04:46:45.964 P00   INFO: repo1: 15-1 remove archive, start = 000000010000000000000001, stop = 000000010000000000000003',
			'2026-12-01 04:46:45.964 P00   INFO: repo1: expire full backup set 20261201-044427F, 20261201-044427F_20261201-044434I',
			'WARN: a timeline switch has occurred since the last backup, enabling delta checksum',
			...lines(lockedBackup.stderr),
		])
			expect(worthShowing(line)).toBe(true);
		expect(worthShowing('2026-12-01 04:45:54.337 P00   INFO: backup command end: aborted with exception [050]')).toBe(true);
	});

	it('finds the new backup label', () => {
		expect(lines(fullBackupOutput).map(newBackupLabel).filter(Boolean)).toEqual(['20261201-044427F']);
		expect(newBackupLabel('2026-12-01 04:44:36.596 P00   INFO: new backup label = 20261201-044427F_20261201-044434I')).toBe('20261201-044427F_20261201-044434I');
	});
});

describe('backupFailure', () => {
	it('a backup already running: pgBackRest lock error 50, with its hint', () => {
		expect(backupFailure(lockedBackup.code, [...lines(lockedBackup.stdout), ...lines(lockedBackup.stderr)])).toEqual({
			kind: 'locked',
			message: "ERROR: [050]: unable to acquire lock on file '/tmp/pgbackrest/produccion-backup.lock': Resource temporarily unavailable HINT: is another pgBackRest process running?",
		});
	});

	it('pgBackRest stopped, and any other error in its own words', () => {
		expect(backupFailure(62, ['ERROR: [062]: stop file exists for all stanzas'])).toEqual({kind: 'stopped', message: 'ERROR: [062]: stop file exists for all stanzas'});
		expect(backupFailure(56, ['2024-05-01 10:00:00.000 P00   INFO: backup command begin 2.45: --stanza=produccion', 'ERROR: [056]: unable to find primary cluster - cannot proceed', '       HINT: are all available clusters in recovery?'])).toEqual({
			kind: 'failed',
			message: 'ERROR: [056]: unable to find primary cluster - cannot proceed HINT: are all available clusters in recovery?',
		});
		expect(backupFailure(255, [])).toEqual({kind: 'failed', message: 'exit 255 with no output'});
		expect(backupFailure(1, ['bash: line 1: pgbackrest: command not found'])).toEqual({kind: 'failed', message: 'exit 1: bash: line 1: pgbackrest: command not found'});
	});
});

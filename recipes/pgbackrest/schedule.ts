import type {Answers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations} from '../kit/locations.js';
import {repoConfigPath} from './render.js';

/** The cron.d file name: cron ignores names with dots, and cluster names have none. */
export function backupSchedulePath(answers: Answers): string {
	return `${locations.cronDir}/pgha-${answers.cluster.name}`;
}

// The schema's cron check splits on any whitespace; cron needs the fields on one line.
const oneLine = (expression: string) => expression.trim().split(/\s+/).join(' ');

/**
 * /etc/cron.d/pgha-<cluster> on the repository host: full, differential and
 * incremental backups as postgres, and the restore drill as root, its output
 * (the last scheduled run's) in /var/log/pgha-backup-verify.log.
 */
export function renderBackupSchedule(answers: Answers): ManagedFile {
	const {backup} = answers;
	const command = (type: string) =>
		`postgres pgbackrest --config=${repoConfigPath(answers)} --stanza=${answers.cluster.name} --type=${type} backup`;
	const jobs: Array<[string | undefined, string]> = [
		[backup.full, 'full'],
		[backup.differential, 'diff'],
		[backup.incremental, 'incr'],
	];
	const lines = jobs.filter((job): job is [string, string] => Boolean(job[0])).map(([when, type]) => `${oneLine(when)} ${command(type)}`);
	return {
		path: backupSchedulePath(answers),
		owner: 'root',
		group: 'root',
		mode: 0o644,
		// cron ignores a last line without a newline.
		content: [
			`# Managed by pgha: pgBackRest backups and restore drills of cluster ${answers.cluster.name}`,
			'SHELL=/bin/sh',
			'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
			...lines,
			`${oneLine(backup.verify)} root ${locations.backupVerifyScript} > ${locations.backupVerifyLog} 2>&1`,
			'',
		].join('\n'),
		secret: false,
		service: 'cron',
		onChange: 'none',
	};
}

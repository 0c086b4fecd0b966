import type {Answers} from '../answers/schema.js';
import {locations} from '../../recipes/kit/locations.js';
import {pgbackrest} from '../../recipes/pgbackrest/probes.js';
import {repoConfigPath} from '../../recipes/pgbackrest/render.js';
import type {BackupType} from './catalog.js';

/**
 * The on-demand backup, as postgres on the repository host with the
 * repository's config: the cron job's command, plus a console line per file
 * (detail) so that its progress can be followed. pgBackRest finds the primary
 * among the nodes itself and expires what retention no longer keeps after.
 */
export function backupCommand(answers: Answers, type: BackupType): string {
	return pgbackrest(answers, `--type=${type} --log-level-console=detail backup`);
}

/**
 * Another pgBackRest command for a person to run as root on the repository
 * host: for the stanza, or for all stanzas (how `pgbackrest start` lifts a
 * `pgbackrest stop` given without one).
 */
export function pgbackrestCommand(answers: Answers, command: string, scope: 'stanza' | 'all' = 'stanza'): string {
	return scope === 'stanza' ? pgbackrest(answers, command) : `runuser -u postgres -- pgbackrest --config=${repoConfigPath(answers)} ${command}`;
}

/**
 * How long pgha follows a backup before giving up on it. A large database
 * takes hours; pgBackRest has its own timeouts for a stalled database or
 * host, so this is only a backstop.
 */
export const backupTimeoutMs = 7 * 24 * 3_600_000;

/** pgBackRest's log of the stanza's backups on the repository host: every file it copied, and the full error. */
export function backupLogPath(answers: Pick<Answers, 'cluster'>): string {
	return `${locations.pgbackrestLogDir}/${answers.cluster.name}-backup.log`;
}

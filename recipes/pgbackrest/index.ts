import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {backupHost, hasRole} from '../../source/answers/hosts.js';
import type {Component} from '../kit/component.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {renderPgbackrestNode, renderPgbackrestRepo} from './render.js';
import {renderBackupSchedule} from './schedule.js';
import {renderBackupVerifyScript} from './verify-script.js';

/** On a PostgreSQL node: the config that names the repository (none when the cluster has no repository). */
export const nodeFiles = (answers: Answers, host: HostAnswers): ManagedFile[] => (hasRole(host, 'postgres') && backupHost(answers) ? [renderPgbackrestNode(answers)] : []);

/** On the repository host: its config, the restore drill's script, then the schedule that runs both. */
export const repositoryFiles = (answers: Answers, host: HostAnswers): {config: ManagedFile[]; drill: ManagedFile[]; schedule: ManagedFile[]} =>
	hasRole(host, 'backup')
		? {config: [renderPgbackrestRepo(answers)], drill: [renderBackupVerifyScript(answers)], schedule: [renderBackupSchedule(answers)]}
		: {config: [], drill: [], schedule: []};

/**
 * pgBackRest: the repository host keeps backups and the WAL archive on a
 * schedule; every PostgreSQL node pushes WAL to it and restores from it.
 */
export const pgbackrest: Component = {
	name: 'pgbackrest',
	roles: ['postgres', 'backup'],
	// The repository host restores the latest backup into a throwaway PostgreSQL
	// for the restore drill (the server, its client tools and amcheck, which
	// postgresql-15 ships), and reads pgBackRest's JSON with jq.
	packages: role =>
		role === 'backup' ? ['pgbackrest', 'cron', 'openssh-client', 'postgresql-15', 'postgresql-client-15', 'jq'] : role === 'postgres' ? ['pgbackrest', 'openssh-client'] : [],
	files: (answers, host) => {
		const repo = repositoryFiles(answers, host);
		return [...nodeFiles(answers, host), ...repo.config, ...repo.drill, ...repo.schedule];
	},
	services: (answers, host) =>
		hasRole(host, 'backup')
			? [
					{
						unit: 'cron',
						description: 'cron, running the scheduled pgBackRest backups and restore drills',
						ports: [{protocol: 'tcp', port: answers.ssh.port, addresses: [host.ip], purpose: 'SSH between the repository and the nodes (pgBackRest)'}],
					},
				]
			: [],
};

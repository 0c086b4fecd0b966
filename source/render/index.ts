import type {Answers} from '../answers/schema.js';
import type {HostFacts, ManagedFile} from './managed-file.js';
import {renderBackupSchedule} from './backup-schedule.js';
import {renderEtcd} from './etcd.js';
import {renderHaproxy} from './haproxy.js';
import {renderKeepalived} from './keepalived.js';
import {renderPatroni} from './patroni.js';
import {renderPgbackrestNode, renderPgbackrestRepo} from './pgbackrest.js';
import {renderPgbouncerDropIn, renderPgbouncerIni, renderPgbouncerUserlist} from './pgbouncer.js';
import {renderSysctl} from './sysctl.js';
import {backupHost, findHost} from './topology.js';

export type {HostFacts, ManagedFile} from './managed-file.js';
export {locations, ports, keepalivedScriptUser} from './locations.js';
export {databaseOwnerVerifier, scramSha256Verifier, deterministicSalt} from './scram.js';

/**
 * Every file pgha manages on one host, from its roles: pure, so the same
 * answers always give the same text (a re-run changes nothing).
 */
export function renderHostFiles(answers: Answers, hostName: string, facts: HostFacts): ManagedFile[] {
	const host = findHost(answers, hostName);
	const has = (role: (typeof host.roles)[number]) => host.roles.includes(role);
	const withBackup = backupHost(answers) !== undefined;
	const files: ManagedFile[] = [];
	if (has('etcd')) files.push(renderEtcd(answers, host));
	if (has('postgres')) {
		files.push(renderPatroni(answers, host));
		files.push(renderPgbouncerIni(answers, host), renderPgbouncerUserlist(answers), renderPgbouncerDropIn());
		if (withBackup) files.push(renderPgbackrestNode(answers));
	}
	if (has('balancer')) files.push(renderHaproxy(answers), renderKeepalived(answers, host, facts), renderSysctl());
	if (has('backup')) files.push(renderPgbackrestRepo(answers), renderBackupSchedule(answers));
	return files;
}

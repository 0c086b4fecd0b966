import YAML from 'yaml';
import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {backupHost, hostsWithRole} from '../../source/answers/hosts.js';

/** The pg_hba rules: the cluster's own addresses only, SCRAM everywhere but the postgres peer. */
export function pgHbaRules(answers: Answers): string[] {
	const postgres = hostsWithRole(answers, 'postgres');
	return [
		'local all postgres peer',
		'local all all scram-sha-256',
		'host all all 127.0.0.1/32 scram-sha-256',
		// Patroni reads a rejoining node's own timeline over a local replication connection.
		'host replication replicator 127.0.0.1/32 scram-sha-256',
		...postgres.map(h => `host replication replicator ${h.ip}/32 scram-sha-256`),
		...answers.hosts.map(h => `host all all ${h.ip}/32 scram-sha-256`),
	];
}

/** The Patroni configuration of one PostgreSQL node, as a plain object. */
export function patroniConfig(answers: Answers, host: HostAnswers): Record<string, unknown> {
	const cluster = answers.cluster.name;
	const withBackup = backupHost(answers) !== undefined;
	const etcd = hostsWithRole(answers, 'etcd');
	const hba = pgHbaRules(answers);
	const superuser = {username: 'postgres', password: answers.passwords.superuser};
	const restore = `pgbackrest --stanza=${cluster} --delta restore`;
	return {
		scope: cluster,
		namespace: '/db/',
		name: host.name,
		restapi: {
			listen: `${host.ip}:${ports.patroniApi}`,
			connect_address: `${host.ip}:${ports.patroniApi}`,
			authentication: {username: 'patroni', password: answers.passwords.patroniApi},
		},
		// Debian's Patroni 3.0.2 speaks etcd's v3 API through this section.
		etcd3: {hosts: etcd.map(h => `${h.ip}:${ports.etcdClient}`)},
		bootstrap: {
			dcs: {
				ttl: answers.patroni.ttl,
				loop_wait: answers.patroni.loopWait,
				retry_timeout: answers.patroni.retryTimeout,
				maximum_lag_on_failover: answers.patroni.maximumLagOnFailover,
				postgresql: {
					use_pg_rewind: true,
					use_slots: true,
					parameters: {
						wal_level: 'replica',
						hot_standby: 'on',
						max_wal_senders: 10,
						max_replication_slots: 10,
						wal_keep_size: '512MB',
						password_encryption: 'scram-sha-256',
						archive_mode: withBackup ? 'on' : 'off',
						...(withBackup ? {archive_command: `pgbackrest --stanza=${cluster} archive-push %p`} : {}),
					},
				},
			},
			initdb: [{encoding: 'UTF8'}, 'data-checksums'],
			// Patroni 3.0.2's --validate-config requires bootstrap.pg_hba; postgresql.pg_hba
			// below is what Patroni keeps applied, so both carry the same rules.
			pg_hba: hba,
		},
		postgresql: {
			listen: `${host.ip},127.0.0.1:${ports.postgres}`,
			connect_address: `${host.ip}:${ports.postgres}`,
			data_dir: locations.pgDataDir,
			bin_dir: locations.pgBinDir,
			pgpass: locations.pgpass,
			use_unix_socket: true,
			authentication: {
				replication: {username: 'replicator', password: answers.passwords.replication},
				superuser,
				// The validator requires a rewind user; the superuser is what Patroni
				// uses when none is given, so this creates no extra role.
				rewind: {...superuser},
			},
			parameters: {
				unix_socket_directories: locations.pgSocketDir,
				password_encryption: 'scram-sha-256',
			},
			...(withBackup ? {recovery_conf: {restore_command: `pgbackrest --stanza=${cluster} archive-get %f "%p"`}} : {}),
			create_replica_methods: withBackup ? ['pgbackrest', 'basebackup'] : ['basebackup'],
			...(withBackup ? {pgbackrest: {command: restore, keep_data: true, no_params: true}} : {}),
			basebackup: {checkpoint: 'fast'},
			pg_hba: hba,
		},
		tags: {nofailover: false, noloadbalance: false, clonefrom: false, nosync: false},
	};
}

/** /etc/patroni/config.yml: Debian's patroni.service reads it. Holds three passwords. */
export function renderPatroni(answers: Answers, host: HostAnswers): ManagedFile {
	// YAML 1.1 output quotes what PyYAML would otherwise read as booleans,
	// numbers or times ("on", "0x1F", "12:30"), so every string stays a string.
	const body = YAML.stringify(patroniConfig(answers, host), {version: '1.1', lineWidth: 0, aliasDuplicateObjects: false});
	return {
		path: locations.patroniConfig,
		owner: 'postgres',
		group: 'postgres',
		mode: 0o600,
		content: `# Managed by pgha: Patroni member ${host.name} of cluster ${answers.cluster.name}\n${body}`,
		secret: true,
		service: 'patroni',
		onChange: 'reload',
	};
}

import YAML from 'yaml';
import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {backupHost, hostsWithRole} from '../../source/answers/hosts.js';
import {tlsPaths} from '../kit/tls-files.js';
import {haTiming} from '../../source/answers/ha-timing.js';
import {durability} from '../../source/answers/durability.js';

/** Where a PostgreSQL node keeps the CA, its certificate and key: PostgreSQL, Patroni and PgBouncer (all run as postgres) share them. */
export const postgresTls = tlsPaths(locations.postgresTlsDir, 'server');

/**
 * The pg_hba rules: each entry admits only what needs it. Clients reach
 * PostgreSQL through PgBouncer on the same node (loopback); from the network
 * only the other PostgreSQL nodes connect, over TLS: to replicate, and as the
 * superuser for pg_rewind. The repository reaches the nodes over SSH, the
 * balancers only PgBouncer, so neither is listed.
 */
export function pgHbaRules(answers: Answers): string[] {
	const postgres = hostsWithRole(answers, 'postgres');
	return [
		'local all postgres peer',
		'local all all scram-sha-256',
		'host all all 127.0.0.1/32 scram-sha-256',
		// Patroni reads a rejoining node's own timeline over a local replication connection.
		'host replication replicator 127.0.0.1/32 scram-sha-256',
		...postgres.map(h => `hostssl replication replicator ${h.ip}/32 scram-sha-256`),
		...postgres.map(h => `hostssl postgres postgres ${h.ip}/32 scram-sha-256`),
	];
}

/** Where Patroni keeps its cluster state in etcd; a member's key is NAMESPACE/SCOPE/members/NAME. */
export const patroniNamespace = '/db/';

/** The keys of Patroni's dynamic configuration pgha manages, by their Patroni names. */
export type DcsSettings = {
	ttl: number;
	loop_wait: number;
	retry_timeout: number;
	primary_start_timeout: number;
	maximum_lag_on_failover: number;
	synchronous_mode: boolean;
	synchronous_mode_strict: boolean;
	synchronous_node_count: number;
};

/**
 * Patroni's cluster-wide settings from the answers: the timing of ha.rto with
 * the patroni overrides, and the durability. Synchronous means one replica
 * confirms each commit; strict keeps commits waiting when no replica is left.
 * Written at bootstrap (bootstrap.dcs) and kept by a step afterwards, since
 * Patroni reads bootstrap.dcs only when the cluster is first made.
 */
export function dcsSettings(answers: Answers): DcsSettings {
	const {patroni} = haTiming(answers);
	const commits = durability(answers);
	return {
		ttl: patroni.ttl,
		loop_wait: patroni.loopWait,
		retry_timeout: patroni.retryTimeout,
		primary_start_timeout: patroni.primaryStartTimeout,
		maximum_lag_on_failover: patroni.maximumLagOnFailover,
		synchronous_mode: commits.mode === 'synchronous',
		synchronous_mode_strict: commits.mode === 'synchronous' && commits.writesWithoutReplica === 'wait',
		synchronous_node_count: 1,
	};
}

/** WAL archiving through pgBackRest when the cluster has a repository, else off. */
function archiveParameters(answers: Answers): Record<string, string> {
	return backupHost(answers) !== undefined ? {archive_mode: 'on', archive_command: `pgbackrest --stanza=${answers.cluster.name} archive-push %p`} : {archive_mode: 'off'};
}

/**
 * The PostgreSQL parameters pgha itself puts in Patroni's dynamic
 * configuration at bootstrap; the answers' postgresql.parameters may not name
 * them, and removing an answer never removes one of these.
 */
export function baseParameters(answers: Answers): Record<string, string | number> {
	// Every replica may clone at once (two senders each: the copy and its WAL) while the others stream.
	const senders = Math.max(10, 3 * (hostsWithRole(answers, 'postgres').length - 1));
	return {
		wal_level: 'replica',
		hot_standby: 'on',
		max_wal_senders: senders,
		max_replication_slots: senders,
		wal_keep_size: '512MB',
		password_encryption: 'scram-sha-256',
		...archiveParameters(answers),
	};
}

/** The Patroni configuration of one PostgreSQL node, as a plain object. */
export function patroniConfig(answers: Answers, host: HostAnswers): Record<string, unknown> {
	const cluster = answers.cluster.name;
	const withBackup = backupHost(answers) !== undefined;
	const etcd = hostsWithRole(answers, 'etcd');
	const hba = pgHbaRules(answers);
	const superuser = {username: 'postgres', password: answers.passwords.superuser};
	// Connections to another node (streaming, pg_rewind) check its certificate names its address.
	const verified = {sslmode: 'verify-full', sslrootcert: postgresTls.ca};
	const restore = `pgbackrest --stanza=${cluster} --delta restore`;
	const archive = archiveParameters(answers);
	return {
		scope: cluster,
		namespace: patroniNamespace,
		name: host.name,
		restapi: {
			listen: `${host.ip}:${ports.patroniApi}`,
			connect_address: `${host.ip}:${ports.patroniApi}`,
			// HTTPS; every unsafe endpoint (switchover, restart, config) needs this user.
			authentication: {username: 'patroni', password: answers.passwords.patroniApi},
			certfile: postgresTls.cert,
			keyfile: postgresTls.key,
			cafile: postgresTls.ca,
		},
		// patronictl and Patroni's calls to other members check their certificates against the cluster CA.
		ctl: {insecure: false, cacert: postgresTls.ca},
		// Debian's Patroni 3.0.2 speaks etcd's v3 API through this section; etcd admits it by its certificate.
		etcd3: {hosts: etcd.map(h => `${h.ip}:${ports.etcdClient}`), protocol: 'https', cacert: postgresTls.ca, cert: postgresTls.cert, key: postgresTls.key},
		bootstrap: {
			dcs: {
				...dcsSettings(answers),
				postgresql: {
					use_pg_rewind: true,
					use_slots: true,
					// The answers' own parameters too, so a new cluster starts with them and needs no restart.
					parameters: {...baseParameters(answers), ...answers.postgresql?.parameters},
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
				replication: {username: 'replicator', password: answers.passwords.replication, ...verified},
				superuser,
				// The validator requires a rewind user; the superuser is what Patroni
				// uses when none is given, so this creates no extra role.
				rewind: {...superuser, ...verified},
			},
			parameters: {
				unix_socket_directories: locations.pgSocketDir,
				password_encryption: 'scram-sha-256',
				ssl: 'on',
				ssl_cert_file: postgresTls.cert,
				ssl_key_file: postgresTls.key,
				ssl_ca_file: postgresTls.ca,
				ssl_min_protocol_version: 'TLSv1.2',
				// Here as well as in the DCS: whoever could write the DCS could otherwise
				// choose the command every primary runs; the local value wins.
				...archive,
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

/** /etc/profile.d/pgha-patroni.sh: a root shell's `patronictl list` finds this node's configuration, no flags. */
export function renderPatroniProfile(answers: Answers): ManagedFile {
	return {
		path: locations.patroniProfile,
		owner: 'root',
		group: 'root',
		mode: 0o644,
		content: `# Managed by pgha: patronictl for cluster ${answers.cluster.name}\nexport PATRONICTL_CONFIG_FILE=${locations.patroniConfig}\n`,
		secret: false,
		onChange: 'none',
	};
}

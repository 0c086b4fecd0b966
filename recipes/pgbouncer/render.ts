import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import {databaseOwnerVerifier} from '../postgres/scram.js';
import type {ClusterKeys} from '../../source/keys/cluster-keys.js';
import {tlsPaths} from '../kit/tls-files.js';

/** PgBouncer's own copy of the node's certificate: clients check it names the VIP. */
export const pgbouncerTls = tlsPaths(locations.pgbouncerTlsDir, 'pgbouncer');

/** /etc/pgbouncer/pgbouncer.ini: Debian's defaults for logs and pid, pgha's pool and SCRAM. */
export function renderPgbouncerIni(answers: Answers, host: HostAnswers): ManagedFile {
	const {name} = answers.database;
	const pool = answers.pgbouncer;
	const content = [
		`; Managed by pgha: PgBouncer on ${host.name} of cluster ${answers.cluster.name}`,
		'[databases]',
		`${name} = host=127.0.0.1 port=${ports.postgres} dbname=${name}`,
		'',
		'[pgbouncer]',
		'logfile = /var/log/postgresql/pgbouncer.log',
		'pidfile = /var/run/postgresql/pgbouncer.pid',
		`listen_addr = ${host.ip},127.0.0.1`,
		`listen_port = ${ports.pgbouncer}`,
		`unix_socket_dir = ${locations.pgSocketDir}`,
		// Who may connect from where is in the hba file; the password check is SCRAM.
		'auth_type = hba',
		`auth_hba_file = ${locations.pgbouncerHba}`,
		`auth_file = ${locations.pgbouncerUserlist}`,
		// Clients must speak TLS (the hba file says hostssl as well); PgBouncer checks PostgreSQL's certificate too.
		'client_tls_sslmode = require',
		`client_tls_ca_file = ${pgbouncerTls.ca}`,
		`client_tls_cert_file = ${pgbouncerTls.cert}`,
		`client_tls_key_file = ${pgbouncerTls.key}`,
		'client_tls_protocols = tlsv1.2,tlsv1.3',
		// PostgreSQL on loopback: its certificate names 127.0.0.1 too.
		'server_tls_sslmode = verify-full',
		`server_tls_ca_file = ${pgbouncerTls.ca}`,
		`pool_mode = ${pool.poolMode}`,
		`max_client_conn = ${pool.maxClientConn}`,
		`default_pool_size = ${pool.defaultPoolSize}`,
		// JDBC sends this at start-up; without it PgBouncer refuses such clients.
		'ignore_startup_parameters = extra_float_digits',
		// After a failed login to PostgreSQL (a failover, a rotated password) PgBouncer holds every login
		// back this long; Debian's 15 s would outlast the failover itself.
		'server_login_retry = 2',
		'',
	].join('\n');
	return {
		path: locations.pgbouncerIni,
		owner: 'postgres',
		group: 'postgres',
		mode: 0o640,
		content,
		secret: false,
		service: 'pgbouncer',
		onChange: 'reload',
	};
}

/**
 * /etc/pgbouncer/hba.conf: the database owner, over TLS, only from the
 * balancers (HAProxy connects from their own addresses), the application
 * networks the answers list and the node itself; everything else is refused.
 */
export function renderPgbouncerHba(answers: Answers): ManagedFile {
	const {name, owner} = answers.database;
	const balancers = hostsWithRole(answers, 'balancer');
	const content = [
		`# Managed by pgha: who may reach PgBouncer in cluster ${answers.cluster.name}`,
		...balancers.map(h => `hostssl ${name} ${owner} ${h.ip}/32 scram-sha-256`),
		...answers.network.clientNetworks.map(cidr => `hostssl ${name} ${owner} ${cidr} scram-sha-256`),
		`hostssl ${name} ${owner} 127.0.0.1/32 scram-sha-256`,
		'',
	].join('\n');
	return {path: locations.pgbouncerHba, owner: 'postgres', group: 'postgres', mode: 0o640, content, secret: false, service: 'pgbouncer', onChange: 'reload'};
}

/** /etc/pgbouncer/userlist.txt: the owner's SCRAM verifier, never the password itself. */
export function renderPgbouncerUserlist(answers: Answers, keys: ClusterKeys): ManagedFile {
	// The owner is a plain identifier and a verifier is base64 with `$:`, so
	// neither needs escaping inside the double quotes.
	return {
		path: locations.pgbouncerUserlist,
		owner: 'postgres',
		group: 'postgres',
		mode: 0o600,
		content: `"${answers.database.owner}" "${databaseOwnerVerifier(answers, keys)}"\n`,
		secret: true,
		service: 'pgbouncer',
		onChange: 'reload',
	};
}

/**
 * A systemd drop-in that restarts PgBouncer whenever it stops: Debian's unit
 * does not, and HAProxy's check takes a node whose PgBouncer is down out of service.
 */
export function renderPgbouncerDropIn(): ManagedFile {
	return {
		path: locations.pgbouncerDropIn,
		owner: 'root',
		group: 'root',
		mode: 0o644,
		// StartLimitIntervalSec=0: never give up, however often it has to restart.
		content: '# Managed by pgha: keep PgBouncer running\n[Unit]\nStartLimitIntervalSec=0\n\n[Service]\nRestart=always\nRestartSec=2\n',
		secret: false,
		service: 'pgbouncer',
		onChange: 'restart',
	};
}

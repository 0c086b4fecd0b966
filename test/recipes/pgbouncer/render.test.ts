import {describe, expect, it} from 'vitest';
import {renderPgbouncerDropIn, renderPgbouncerHba, renderPgbouncerIni, renderPgbouncerUserlist} from '../../../recipes/pgbouncer/render.js';
import {databaseOwnerVerifier} from '../../../recipes/postgres/scram.js';
import {answersFrom, example, exampleRaw, nastyEnv} from '../../answers/fixtures.js';
import {clusterKeys} from '../../keys/fixtures.js';
import {parseIni} from '../ini.js';

describe('renderPgbouncerIni', () => {
	const answers = example('seed-topology');
	const file = renderPgbouncerIni(answers, answers.hosts[0]!);
	const ini = parseIni(file.content);

	it('listens on the node and loopback, checks clients by its hba file with SCRAM, and takes the answers\' pool', () => {
		expect(file).toMatchObject({path: '/etc/pgbouncer/pgbouncer.ini', owner: 'postgres', group: 'postgres', mode: 0o640, secret: false, service: 'pgbouncer', onChange: 'reload'});
		expect(ini['databases']).toEqual({aplicacion: 'host=127.0.0.1 port=5432 dbname=aplicacion'});
		expect(ini['pgbouncer']).toMatchObject({
			listen_addr: '192.168.100.1,127.0.0.1',
			listen_port: '6432',
			auth_type: 'hba',
			auth_hba_file: '/etc/pgbouncer/hba.conf',
			auth_file: '/etc/pgbouncer/userlist.txt',
			pool_mode: 'transaction',
			max_client_conn: '300',
			default_pool_size: '35',
			unix_socket_dir: '/var/run/postgresql',
			logfile: '/var/log/postgresql/pgbouncer.log',
			pidfile: '/var/run/postgresql/pgbouncer.pid',
		});
	});

	it('requires TLS of clients with the node\'s certificate and checks PostgreSQL\'s against the CA and its name', () => {
		expect(ini['pgbouncer']).toMatchObject({
			client_tls_sslmode: 'require',
			client_tls_ca_file: '/etc/pgbouncer/tls/ca.crt',
			client_tls_cert_file: '/etc/pgbouncer/tls/pgbouncer.crt',
			client_tls_key_file: '/etc/pgbouncer/tls/pgbouncer.key',
			client_tls_protocols: 'tlsv1.2,tlsv1.3',
			server_tls_sslmode: 'verify-full',
			server_tls_ca_file: '/etc/pgbouncer/tls/ca.crt',
		});
	});

	it('follows the pool answers', () => {
		const raw = exampleRaw('compact');
		raw['pgbouncer'] = {poolMode: 'session', maxClientConn: 50, defaultPoolSize: 7};
		raw['database'] = {name: 'shop', owner: 'shop_owner'};
		const custom = answersFrom(raw);
		const parsed = parseIni(renderPgbouncerIni(custom, custom.hosts[2]!).content);
		expect(parsed['databases']).toEqual({shop: 'host=127.0.0.1 port=5432 dbname=shop'});
		expect(parsed['pgbouncer']).toMatchObject({pool_mode: 'session', max_client_conn: '50', default_pool_size: '7', listen_addr: '10.20.0.13,127.0.0.1'});
	});
});

describe('renderPgbouncerHba', () => {
	it('admits the owner to the database over TLS from the balancers and loopback only, by SCRAM', () => {
		const answers = example('seed-topology');
		const file = renderPgbouncerHba(answers);
		expect(file).toMatchObject({path: '/etc/pgbouncer/hba.conf', owner: 'postgres', group: 'postgres', mode: 0o640, secret: false, service: 'pgbouncer', onChange: 'reload'});
		expect(file.content.split('\n').filter(line => line && !line.startsWith('#'))).toEqual([
			'hostssl aplicacion aplicacion 192.168.100.5/32 scram-sha-256',
			'hostssl aplicacion aplicacion 192.168.100.6/32 scram-sha-256',
			'hostssl aplicacion aplicacion 127.0.0.1/32 scram-sha-256',
		]);
	});

	it('adds the client networks the answers list, and nothing else', () => {
		const raw = exampleRaw('compact');
		(raw['network'] as Record<string, unknown>)['clientNetworks'] = ['10.30.0.0/16', '192.168.7.0/24'];
		const answers = answersFrom(raw);
		const rules = renderPgbouncerHba(answers).content.split('\n').filter(line => line && !line.startsWith('#'));
		expect(rules).toEqual([
			'hostssl aplicacion aplicacion 10.20.0.11/32 scram-sha-256',
			'hostssl aplicacion aplicacion 10.20.0.12/32 scram-sha-256',
			'hostssl aplicacion aplicacion 10.30.0.0/16 scram-sha-256',
			'hostssl aplicacion aplicacion 192.168.7.0/24 scram-sha-256',
			'hostssl aplicacion aplicacion 127.0.0.1/32 scram-sha-256',
		]);
		for (const rule of rules) expect(rule).not.toMatch(/^host |\ball\b|\/0 |trust|md5/);
	});
});

describe('renderPgbouncerUserlist', () => {
	it('holds the owner\'s SCRAM verifier, never the password', async () => {
		const answers = example('seed-topology', nastyEnv);
		const keys = await clusterKeys(answers);
		const file = renderPgbouncerUserlist(answers, keys);
		expect(file).toMatchObject({path: '/etc/pgbouncer/userlist.txt', owner: 'postgres', group: 'postgres', mode: 0o600, secret: true, service: 'pgbouncer'});
		expect(file.content).toBe(`"aplicacion" "${databaseOwnerVerifier(answers, keys)}"\n`);
		expect(file.content).not.toContain(answers.passwords.app);
		// PgBouncer's auth_file format: two double-quoted fields, no quote inside.
		expect(file.content).toMatch(/^"[a-z_][a-z0-9_]*" "SCRAM-SHA-256\$4096:[^"\s]+"\n$/);
	});
});

describe('renderPgbouncerDropIn', () => {
	it('restarts PgBouncer whenever it stops, without a start limit', () => {
		const file = renderPgbouncerDropIn();
		expect(file).toMatchObject({path: '/etc/systemd/system/pgbouncer.service.d/pgha.conf', owner: 'root', mode: 0o644, service: 'pgbouncer', onChange: 'restart'});
		const ini = parseIni(file.content);
		expect(ini['Service']).toEqual({Restart: 'always', RestartSec: '2'});
		expect(ini['Unit']).toEqual({StartLimitIntervalSec: '0'});
	});
});

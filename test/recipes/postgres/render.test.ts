import {describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {dcsSettings, pgHbaRules, renderPatroni, renderPatroniProfile} from '../../../recipes/postgres/render.js';
import {answersFrom, example, exampleRaw, nastyEnv} from '../../answers/fixtures.js';

type Config = Record<string, any>;
const parse = (content: string) => YAML.parse(content, {version: '1.1'}) as Config;

describe('renderPatroni', () => {
	const answers = example('seed-topology');
	const node = answers.hosts[1]!;
	const file = renderPatroni(answers, node);
	const config = parse(file.content);

	it('is a secret file for the postgres user that Patroni reloads', () => {
		expect(file).toMatchObject({path: '/etc/patroni/config.yml', owner: 'postgres', group: 'postgres', mode: 0o600, secret: true, service: 'patroni', onChange: 'reload'});
	});

	it('names the member and the cluster as the seed does', () => {
		expect(config).toMatchObject({scope: 'produccion', namespace: '/db/', name: 'postgres2'});
		expect(config['restapi']).toEqual({
			listen: '192.168.100.2:8008',
			connect_address: '192.168.100.2:8008',
			authentication: {username: 'patroni', password: answers.passwords.patroniApi},
			certfile: '/etc/patroni/tls/server.crt',
			keyfile: '/etc/patroni/tls/server.key',
			cafile: '/etc/patroni/tls/ca.crt',
		});
		// patronictl and calls to other members check certificates against the cluster CA.
		expect(config['ctl']).toEqual({insecure: false, cacert: '/etc/patroni/tls/ca.crt'});
		// etcd admits Patroni by the node's certificate, over https.
		expect(config['etcd3']).toEqual({
			hosts: ['192.168.100.4:2379', '192.168.100.7:2379', '192.168.100.8:2379'],
			protocol: 'https',
			cacert: '/etc/patroni/tls/ca.crt',
			cert: '/etc/patroni/tls/server.crt',
			key: '/etc/patroni/tls/server.key',
		});
		expect(config['etcd']).toBeUndefined();
	});

	it('bootstraps with the answers\' timings, archiving to pgBackRest and no bootstrap users', () => {
		const {dcs, initdb, users} = config['bootstrap'];
		expect(dcs).toMatchObject({
			ttl: 30,
			loop_wait: 10,
			retry_timeout: 10,
			primary_start_timeout: 30,
			maximum_lag_on_failover: 1048576,
			synchronous_mode: false,
			synchronous_mode_strict: false,
			synchronous_node_count: 1,
		});
		expect(dcs.postgresql).toMatchObject({use_pg_rewind: true, use_slots: true});
		expect(dcs.postgresql.parameters).toEqual({
			wal_level: 'replica',
			hot_standby: 'on',
			max_wal_senders: 10,
			max_replication_slots: 10,
			wal_keep_size: '512MB',
			password_encryption: 'scram-sha-256',
			archive_mode: 'on',
			archive_command: 'pgbackrest --stanza=produccion archive-push %p',
		});
		expect(initdb).toEqual([{encoding: 'UTF8'}, 'data-checksums']);
		expect(users).toBeUndefined();
		expect(file.content).not.toMatch(/admin/);
	});

	it('runs PostgreSQL 15 from the seed\'s data directory with scram everywhere', () => {
		const pg = config['postgresql'];
		expect(pg).toMatchObject({
			listen: '192.168.100.2,127.0.0.1:5432',
			connect_address: '192.168.100.2:5432',
			data_dir: '/data/patroni',
			bin_dir: '/usr/lib/postgresql/15/bin',
			pgpass: '/var/lib/postgresql/.pgpass_patroni',
			use_unix_socket: true,
			parameters: {
				unix_socket_directories: '/var/run/postgresql',
				password_encryption: 'scram-sha-256',
				ssl: 'on',
				ssl_cert_file: '/etc/patroni/tls/server.crt',
				ssl_key_file: '/etc/patroni/tls/server.key',
				ssl_ca_file: '/etc/patroni/tls/ca.crt',
				ssl_min_protocol_version: 'TLSv1.2',
				// Locally too: whoever could write the DCS cannot choose the command a primary runs.
				archive_mode: 'on',
				archive_command: 'pgbackrest --stanza=produccion archive-push %p',
			},
			recovery_conf: {restore_command: 'pgbackrest --stanza=produccion archive-get %f "%p"'},
			create_replica_methods: ['pgbackrest', 'basebackup'],
			pgbackrest: {command: 'pgbackrest --stanza=produccion --delta restore', keep_data: true, no_params: true},
			basebackup: {checkpoint: 'fast'},
		});
		// Streaming and pg_rewind check the other node's certificate names its address.
		const verified = {sslmode: 'verify-full', sslrootcert: '/etc/patroni/tls/ca.crt'};
		expect(pg.authentication.replication).toEqual({username: 'replicator', password: answers.passwords.replication, ...verified});
		expect(pg.authentication.superuser).toEqual({username: 'postgres', password: answers.passwords.superuser});
		expect(pg.authentication.rewind).toEqual({username: 'postgres', password: answers.passwords.superuser, ...verified});
		expect(config['tags']).toEqual({nofailover: false, noloadbalance: false, clonefrom: false, nosync: false});
	});

	it('admits from the network only the PostgreSQL nodes, over TLS, never /0 or md5', () => {
		const rules = pgHbaRules(answers);
		expect(config['postgresql'].pg_hba).toEqual(rules);
		expect(config['bootstrap'].pg_hba).toEqual(rules);
		const nodes = answers.hosts.filter(h => h.roles.includes('postgres'));
		expect(rules).toEqual([
			'local all postgres peer',
			'local all all scram-sha-256',
			// PgBouncer on the same node.
			'host all all 127.0.0.1/32 scram-sha-256',
			// Patroni reads a rejoining node's own timeline over it.
			'host replication replicator 127.0.0.1/32 scram-sha-256',
			...nodes.map(h => `hostssl replication replicator ${h.ip}/32 scram-sha-256`),
			// pg_rewind from another node, as the superuser.
			...nodes.map(h => `hostssl postgres postgres ${h.ip}/32 scram-sha-256`),
		]);
		// The balancers, etcd and the repository reach no PostgreSQL port.
		for (const host of answers.hosts.filter(h => !h.roles.includes('postgres'))) expect(rules.join('\n')).not.toContain(host.ip);
		for (const rule of rules) {
			expect(rule).not.toMatch(/\/0\b|0\.0\.0\.0|md5|trust|password$/);
			if (rule.startsWith('host')) expect(rule).toMatch(/\/32 scram-sha-256$/);
			if (rule.startsWith('host') && !rule.includes('127.0.0.1')) expect(rule).toMatch(/^hostssl /);
		}
	});

	it('gives a root shell patronictl with this node\'s configuration', () => {
		const profile = renderPatroniProfile(answers);
		expect(profile).toMatchObject({path: '/etc/profile.d/pgha-patroni.sh', owner: 'root', mode: 0o644, secret: false, onChange: 'none'});
		expect(profile.content).toContain('\nexport PATRONICTL_CONFIG_FILE=/etc/patroni/config.yml\n');
	});

	it('turns archiving off and clones by basebackup when there is no backup host', () => {
		const raw = exampleRaw('seed-topology');
		raw['hosts'] = (raw['hosts'] as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'));
		const noBackup = answersFrom(raw);
		const pg = parse(renderPatroni(noBackup, noBackup.hosts[0]!).content);
		expect(pg['bootstrap'].dcs.postgresql.parameters.archive_mode).toBe('off');
		expect(pg['bootstrap'].dcs.postgresql.parameters.archive_command).toBeUndefined();
		expect(pg['postgresql'].parameters.archive_mode).toBe('off');
		expect(pg['postgresql'].parameters.archive_command).toBeUndefined();
		expect(pg['postgresql'].create_replica_methods).toEqual(['basebackup']);
		expect(pg['postgresql'].recovery_conf).toBeUndefined();
		expect(pg['postgresql'].pgbackrest).toBeUndefined();
	});

	it('keeps every password intact through YAML, whatever it contains', () => {
		const nasty = example('seed-topology', nastyEnv);
		const parsed = parse(renderPatroni(nasty, nasty.hosts[0]!).content);
		expect(parsed['restapi'].authentication.password).toBe(nastyEnv['PGHA_PATRONI_API_PASSWORD']);
		expect(parsed['postgresql'].authentication.superuser.password).toBe(nastyEnv['PGHA_SUPERUSER_PASSWORD']);
		expect(parsed['postgresql'].authentication.replication.password).toBe(nastyEnv['PGHA_REPLICATION_PASSWORD']);
		// Strings PyYAML (YAML 1.1) would read as something else stay strings.
		expect(parsed['bootstrap'].dcs.postgresql.parameters.hot_standby).toBe('on');
	});

	it('quotes passwords that YAML 1.1 would read as numbers or times', () => {
		for (const password of ['12:30:45:10:20:30:40', '0x1234567890ABCDEF12', '1_000_000_000_000_00', '0b101010101010101010', '+1234567890.12345e10', '2024-01-01 10:00:00.1']) {
			const answers = example('compact', {...nastyEnv, PGHA_SUPERUSER_PASSWORD: password});
			const parsed = parse(renderPatroni(answers, answers.hosts[0]!).content);
			expect(parsed['postgresql'].authentication.superuser.password).toBe(password);
		}
	});

	it.each([
		['fast', {ttl: 20, loop_wait: 5, retry_timeout: 5, primary_start_timeout: 15}],
		['normal', {ttl: 30, loop_wait: 10, retry_timeout: 10, primary_start_timeout: 30}],
		['safe', {ttl: 60, loop_wait: 10, retry_timeout: 25, primary_start_timeout: 60}],
	] as const)('bootstraps with the timing of ha.rto %s', (rto, timing) => {
		const dcs = parse(renderPatroni({...answers, ha: {...answers.ha, rto}}, node).content)['bootstrap'].dcs;
		expect(dcs).toMatchObject({...timing, maximum_lag_on_failover: 1048576});
	});

	it('bootstraps with the patroni overrides over the preset', () => {
		const dcs = parse(renderPatroni({...answers, ha: {...answers.ha, rto: 'fast'}, patroni: {ttl: 45, maximumLagOnFailover: 0}}, node).content)['bootstrap'].dcs;
		expect(dcs).toMatchObject({ttl: 45, loop_wait: 5, retry_timeout: 5, primary_start_timeout: 15, maximum_lag_on_failover: 0});
	});

	it('bootstraps synchronous commits, strict unless writes may continue without a replica', () => {
		const sync = (ha: Partial<typeof answers.ha>) => dcsSettings({...answers, ha: {...answers.ha, ...ha}});
		expect(sync({durability: 'synchronous'})).toMatchObject({synchronous_mode: true, synchronous_mode_strict: true, synchronous_node_count: 1});
		expect(sync({durability: 'synchronous', writesWithoutReplica: 'wait'})).toMatchObject({synchronous_mode: true, synchronous_mode_strict: true});
		expect(sync({durability: 'synchronous', writesWithoutReplica: 'continue'})).toMatchObject({synchronous_mode: true, synchronous_mode_strict: false});
		expect(sync({durability: 'async'})).toMatchObject({synchronous_mode: false, synchronous_mode_strict: false});
		const dcs = parse(renderPatroni({...answers, ha: {...answers.ha, durability: 'synchronous'}}, node).content)['bootstrap'].dcs;
		expect(dcs).toMatchObject({synchronous_mode: true, synchronous_mode_strict: true, synchronous_node_count: 1});
	});

	it('renders the same text twice', () => {
		expect(renderPatroni(example('seed-topology'), node).content).toBe(file.content);
	});
});

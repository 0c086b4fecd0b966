import {describe, expect, test} from 'vitest';
import {main} from '../../source/commands/main.js';
import {keyPath, parseValue, refusedKey} from '../../source/commands/config.js';
import {readCluster} from '../../source/answers/store.js';
import {exitCodes} from '../../source/errors.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed, snapshot} from './saved-cluster.js';

const run = async (args: string[], env: Record<string, string>, flags: Partial<typeof noFlags> = {}) => {
	const io = captureIo(env);
	const code = await main(args, {...noFlags, cluster: 'produccion', ...flags}, io);
	return {code, out: io.stdout(), err: io.stderr()};
};

describe('keyPath, parseValue and refusedKey', () => {
	test('a parameter name keeps its own dots', () => {
		expect(keyPath('postgresql.parameters.pg_stat_statements.max')).toEqual(['postgresql', 'parameters', 'pg_stat_statements.max']);
		expect(keyPath('pgbouncer.defaultPoolSize')).toEqual(['pgbouncer', 'defaultPoolSize']);
	});
	test('numbers and booleans are read as such, the rest as text', () => {
		expect(parseValue('200')).toBe(200);
		expect(parseValue('1.5')).toBe(1.5);
		expect(parseValue('true')).toBe(true);
		expect(parseValue('256MB')).toBe('256MB');
		expect(parseValue('0 1 * * 0')).toBe('0 1 * * 0');
		expect(parseValue('007')).toBe('007');
	});
	test('secrets, recorded keys, hosts and the cluster name are refused', () => {
		expect(refusedKey('passwords.app')).toContain('pgha rotate password NAME');
		expect(refusedKey('ssh.sudoPassword')).toContain('is a secret');
		expect(refusedKey('ssh.hostKeys.postgres1')).toContain('pgha trust-host');
		expect(refusedKey('hosts')).toContain('pgha add-replica');
		expect(refusedKey('cluster.name')).toContain('cannot change');
		expect(refusedKey('pgbouncer.defaultPoolSize')).toBeUndefined();
	});
});

describe('pgha config', () => {
	test('set saves a parameter, prints what changed and that install applies it with a rolling restart', async () => {
		const env = savedSeed();
		const result = await run(['config', 'set', 'postgresql.parameters.shared_buffers', '256MB'], env);
		expect(result.code).toBe(exitCodes.ok);
		expect(result.out).toContain('config: postgresql.parameters.shared_buffers unset -> 256MB');
		expect(result.out).toContain('pgha: saved with cluster produccion; `pgha install --cluster produccion` applies it; shared_buffers needs a restart: the run ends with a rolling restart, replicas one at a time, then a switchover, then the former leader.');
		expect(readCluster('produccion', env)?.postgresql?.parameters).toEqual({shared_buffers: '256MB'});
		const again = await run(['config', 'set', 'postgresql.parameters.shared_buffers', '512MB'], env);
		expect(again.out).toContain('config: postgresql.parameters.shared_buffers 256MB -> 512MB');
	});

	test('numbers and reloadable parameters', async () => {
		const env = savedSeed();
		const pool = await run(['config', 'set', 'pgbouncer.defaultPoolSize', '50'], env);
		expect(pool.out).toContain('config: pgbouncer.defaultPoolSize 35 -> 50');
		expect(pool.out).toContain('PostgreSQL does not restart for it');
		expect(readCluster('produccion', env)?.pgbouncer?.defaultPoolSize).toBe(50);
		const work = await run(['config', 'set', 'postgresql.parameters.work_mem', '16MB'], env);
		expect(work.out).toContain('applies it; a reload, nothing restarts.');
		const rto = await run(['config', 'set', 'ha.rto', 'fast'], env);
		expect(rto.code).toBe(exitCodes.ok);
		expect(readCluster('produccion', env)?.ha?.rto).toBe('fast');
	});

	test('a bad value is exit 2 naming the field, and nothing is saved', async () => {
		const env = savedSeed();
		const before = snapshot(env['PGHA_HOME']!);
		const bad = await run(['config', 'set', 'postgresql.parameters.shared_buffers', '5min'], env);
		expect(bad.code).toBe(exitCodes.usage);
		expect(bad.err).toContain('postgresql.parameters.shared_buffers cannot be 5min; nothing was saved');
		expect(bad.err).toContain('postgresql.parameters.shared_buffers: has unit "min", which is not a memory unit');
		const unknown = await run(['config', 'set', 'postgresql.parameters.shared_bufer', '1GB'], env);
		expect(unknown.err).toContain('did you mean shared_buffers?');
		const pool = await run(['config', 'set', 'pgbouncer.defaultPoolSize', 'many'], env);
		expect(pool.code).toBe(exitCodes.usage);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	test('a secret is refused with where to change it, and never printed', async () => {
		const env = savedSeed();
		const before = snapshot(env['PGHA_HOME']!);
		const set = await run(['config', 'set', 'passwords.app', 'Another-Secret-Value-9'], env);
		expect(set.code).toBe(exitCodes.usage);
		expect(set.err).toContain('passwords.app is a secret, never given on a command line: run `pgha rotate password NAME`');
		const get = await run(['config', 'get', 'passwords.app'], env);
		expect(get.code).toBe(exitCodes.usage);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	test('get, unset and show', async () => {
		const env = savedSeed();
		await run(['config', 'set', 'postgresql.parameters.work_mem', '16MB'], env);
		expect((await run(['config', 'get', 'postgresql.parameters.work_mem'], env)).out).toBe('16MB');
		expect((await run(['config', 'get', 'postgresql.parameters'], env)).out).toBe('work_mem: 16MB');
		const unset = await run(['config', 'unset', 'postgresql.parameters.work_mem'], env);
		expect(unset.out).toContain('config: postgresql.parameters.work_mem 16MB -> removed');
		expect(readCluster('produccion', env)?.postgresql?.parameters).toEqual({});
		const show = await run(['config', 'show'], env);
		expect(show.out).toContain('cluster:');
		expect(show.out).not.toContain('App-Secret-Value-3');
	});

	test('get shows the default in effect for a key the answers leave out', async () => {
		const env = savedSeed();
		expect((await run(['config', 'get', 'backup.verify'], env)).out).toBe('0 5 * * 0 (default)');
		expect((await run(['config', 'get', 'ha.rto'], env)).out).toBe('normal');
	});

	test('secrets the environment does not give are no obstacle to another key', async () => {
		const env = savedSeed();
		const {PGHA_HOME} = env;
		const set = await run(['config', 'set', 'postgresql.parameters.work_mem', '16MB'], {PGHA_HOME: PGHA_HOME!});
		expect(set.code).toBe(exitCodes.ok);
		expect(readCluster('produccion', env)?.passwords?.superuser).toBe('${PGHA_SUPERUSER_PASSWORD}');
	});

	test('usage errors', async () => {
		const env = savedSeed();
		expect((await run(['config'], env)).code).toBe(exitCodes.usage);
		expect((await run(['config', 'set', 'pgbouncer.defaultPoolSize'], env)).err).toContain('config set pgbouncer.defaultPoolSize needs one VALUE');
		expect((await run(['config', 'get', 'ha.rto'], env, {cluster: 'nosuch'})).err).toContain('no saved cluster "nosuch"');
	});
});

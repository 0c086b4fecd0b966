import {describe, expect, it} from 'vitest';
import {
	closestParameter,
	findParameter,
	needsRestart,
	normaliseParameter,
	parameterProblem,
	parseParameterValue,
} from '../../source/answers/pg-parameters.js';
import {validateAnswers} from '../../source/answers/load.js';
import {exampleRaw, strongEnv} from './fixtures.js';

const spec = (name: string) => findParameter(name)!.spec;

describe('the PostgreSQL 15 catalogue', () => {
	it('holds the real server\'s parameters, their units and contexts', () => {
		expect(spec('shared_buffers')).toMatchObject({context: 'postmaster', type: 'integer', unit: '8kB', min: 16});
		expect(spec('work_mem')).toMatchObject({context: 'user', type: 'integer', unit: 'kB', min: 64});
		expect(spec('checkpoint_timeout')).toMatchObject({type: 'integer', unit: 's', min: 30, max: 86400});
		expect(spec('block_size').context).toBe('internal');
		expect(spec('pg_stat_statements.max').context).toBe('postmaster');
		expect(findParameter('datestyle')?.name).toBe('DateStyle');
	});
});

describe('parseParameterValue', () => {
	it.each([
		['shared_buffers', '256MB', 32768],
		['shared_buffers', '1GB', 131072],
		['shared_buffers', 16384, 16384],
		['shared_buffers', '128 MB', 16384],
		['work_mem', '64MB', 65536],
		['work_mem', '1.5MB', 1536],
		['checkpoint_timeout', '5min', 300],
		['checkpoint_timeout', '30s', 30],
		['checkpoint_timeout', '1h', 3600],
		['log_min_duration_statement', '250ms', 250],
		['log_min_duration_statement', '2s', 2000],
		['log_min_duration_statement', -1, -1],
		['max_wal_size', '2GB', 2048],
		['random_page_cost', '1.1', 1.1],
		['jit', 'off', false],
		['jit', true, true],
		['jit', 'Yes', true],
		['log_checkpoints', 'of', false],
		['wal_compression', 'LZ4', 'lz4'],
		['log_line_prefix', '%m [%p] ', '%m [%p] '],
	])('%s = %j reads as %j', (name, given, wanted) => {
		expect(parseParameterValue(spec(name), given)).toEqual({ok: true, value: wanted});
	});

	it.each([
		['shared_buffers', '64kB', 'is 8 × 8kB, below the minimum; PostgreSQL 15 takes 16 × 8kB to 1073741823 × 8kB'],
		['shared_buffers', '10TB', 'above the maximum'],
		['shared_buffers', '256mb', 'has unit "mb", which is not a memory unit PostgreSQL reads; use B, kB, MB, GB or TB'],
		['shared_buffers', '5min', 'has unit "min", which is not a memory unit'],
		['checkpoint_timeout', '10s', 'is 10s, below the minimum; PostgreSQL 15 takes 30s to 86400s'],
		['checkpoint_timeout', '256MB', 'not a time unit PostgreSQL reads; use us, ms, s, min, h or d'],
		['max_connections', 'lots', 'must be a whole number'],
		['max_connections', '100MB', 'takes no unit'],
		['jit', 'maybe', 'must be a boolean'],
		['wal_compression', 'gzip', 'must be one of pglz, lz4, zstd, on, off'],
		['log_line_prefix', 'a\nb', 'newline'],
	])('%s = %j is refused: %s', (name, given, message) => {
		const result = parseParameterValue(spec(name), given);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.message).toContain(message);
	});
});

describe('parameterProblem', () => {
	it('suggests the closest name for an unknown one', () => {
		expect(parameterProblem('shared_buffer', '1GB')).toBe('is not a PostgreSQL 15 parameter; did you mean shared_buffers?');
		expect(closestParameter('work_men')).toBe('work_mem');
	});
	it.each(['listen_addresses', 'port', 'ssl', 'ssl_ciphers', 'archive_mode', 'archive_command', 'wal_level', 'hot_standby', 'max_wal_senders', 'max_replication_slots', 'unix_socket_directories', 'data_directory', 'hba_file', 'ident_file', 'config_file', 'password_encryption', 'restore_command', 'primary_conninfo'])(
		'refuses %s, which pgha sets, naming why',
		name => expect(parameterProblem(name, 'x')).toMatch(/^is set by pgha itself \(.+\); remove it from postgresql.parameters$/),
	);
	it('refuses read-only parameters', () => expect(parameterProblem('block_size', 8192)).toContain('is read-only'));
	it('takes a good value', () => expect(parameterProblem('shared_buffers', '256MB')).toBeUndefined());
});

describe('needsRestart and normaliseParameter', () => {
	it('knows a postmaster parameter from a reloadable one', () => {
		expect(needsRestart('shared_buffers')).toBe(true);
		expect(needsRestart('max_connections')).toBe(true);
		expect(needsRestart('work_mem')).toBe(false);
	});
	it('compares values as PostgreSQL normalises them', () => {
		expect(normaliseParameter('shared_buffers', '128MB')).toBe(normaliseParameter('shared_buffers', 16384));
		expect(normaliseParameter('shared_buffers', '1GB')).toBe(normaliseParameter('shared_buffers', '1024MB'));
		expect(normaliseParameter('checkpoint_timeout', '5min')).toBe(normaliseParameter('checkpoint_timeout', '300s'));
		expect(normaliseParameter('jit', true)).toBe(normaliseParameter('jit', 'on'));
		expect(normaliseParameter('shared_buffers', '128MB')).not.toBe(normaliseParameter('shared_buffers', '256MB'));
	});
});

describe('postgresql.parameters in the answers', () => {
	const withParameters = (parameters: Record<string, unknown>) => validateAnswers({...exampleRaw('seed-topology'), postgresql: {parameters}}, strongEnv);

	it('accepts PostgreSQL 15 values', () => {
		const result = withParameters({shared_buffers: '256MB', work_mem: '16MB', max_connections: 200, jit: false, checkpoint_timeout: '15min'});
		expect(result.ok).toBe(true);
		if (result.ok) expect(result.answers.postgresql?.parameters).toMatchObject({shared_buffers: '256MB', max_connections: 200});
	});
	it('names each bad parameter by its path', () => {
		const result = withParameters({shared_buffers: '5min', listen_addresses: '*', shared_bufers: '1GB'});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		const byPath = Object.fromEntries(result.problems.map(p => [p.path, p.message]));
		expect(byPath['postgresql.parameters.shared_buffers']).toContain('not a memory unit');
		expect(byPath['postgresql.parameters.listen_addresses']).toContain('is set by pgha itself');
		expect(byPath['postgresql.parameters.shared_bufers']).toContain('did you mean shared_buffers?');
	});
	it('refuses a value that is no string, number or boolean', () => {
		const result = withParameters({work_mem: [1]});
		expect(!result.ok && result.problems.find(p => p.path === 'postgresql.parameters.work_mem')?.message).toContain('must be a string, a number or a boolean');
	});
	it('refuses one name twice in two cases', () => {
		const result = withParameters({work_mem: '4MB', WORK_MEM: '8MB'});
		expect(result.ok).toBe(false);
	});
	it('is optional', () => expect(validateAnswers(exampleRaw('seed-topology'), strongEnv).ok).toBe(true));
});

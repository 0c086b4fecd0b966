import {describe, expect, test} from 'vitest';
import type {Answers} from '../../../source/answers/schema.js';
import {describeParameterDifference, editConfigArgument, parameterDifferences, parametersStep} from '../../../recipes/postgres/parameters.js';
import {baseParameters} from '../../../recipes/postgres/render.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {changedSteps, converge, drifts, failures, phasesThrough} from '../converge.js';

const stepName = "PostgreSQL parameters in Patroni's cluster configuration";
const base = withStatsPassword(example('compact'));
const withParameters = (parameters: Record<string, string | number | boolean>): Answers => ({...base, postgresql: {parameters}});
const dcsWith = (parameters: Record<string, unknown>) => ({ttl: 30, postgresql: {use_pg_rewind: true, parameters: {...baseParameters(base), ...parameters}}});

describe('parameterDifferences', () => {
	test('compares values as PostgreSQL normalises them: units, booleans, case', () => {
		const answers = withParameters({shared_buffers: '128MB', checkpoint_timeout: '5min', jit: false, wal_compression: 'LZ4'});
		expect(parameterDifferences(answers, dcsWith({shared_buffers: 16384, checkpoint_timeout: '300s', jit: 'off', wal_compression: 'lz4'}))).toEqual([]);
	});

	test('names a changed, a new and a removed parameter; pgha\'s base parameters stay', () => {
		const answers = withParameters({shared_buffers: '256MB', work_mem: '16MB'});
		const differences = parameterDifferences(answers, dcsWith({shared_buffers: '128MB', jit: 'off'}));
		expect(differences.map(describeParameterDifference)).toEqual(['shared_buffers 128MB -> 256MB (needs a restart)', 'work_mem unset -> 16MB', 'jit off -> removed']);
	});

	test('a parameter written in another case is the same parameter', () => {
		expect(parameterDifferences(withParameters({datestyle: 'ISO, DMY'}), dcsWith({DateStyle: 'ISO, DMY'}))).toEqual([]);
	});

	test('an empty configuration takes every answer as new', () => {
		expect(parameterDifferences(withParameters({work_mem: '8MB'}), {})).toEqual([{name: 'work_mem', wanted: '8MB'}]);
	});
});

describe('editConfigArgument', () => {
	test('quotes text as YAML patronictl reads back unchanged, and removes with null', () => {
		expect(editConfigArgument({name: 'shared_buffers', wanted: '256MB'})).toBe(`-s 'postgresql.parameters.shared_buffers="256MB"'`);
		expect(editConfigArgument({name: 'max_connections', wanted: 200})).toBe('-s postgresql.parameters.max_connections=200');
		expect(editConfigArgument({name: 'jit', wanted: true})).toBe(`-s 'postgresql.parameters.jit="on"'`);
		expect(editConfigArgument({name: 'work_mem', live: '4MB'})).toBe('-s postgresql.parameters.work_mem=null');
		expect(editConfigArgument({name: 'log_line_prefix', wanted: "%m [%p] '"})).toBe(`-s 'postgresql.parameters.log_line_prefix="%m [%p] '\\''"'`);
	});
});

describe('the PostgreSQL parameters step', () => {
	async function installed(answers: Answers): Promise<FakeCluster> {
		const cluster = FakeCluster.of(answers);
		const first = await converge(cluster, answers, phasesThrough(answers, 'pgbouncer'));
		expect(failures(first.events)).toEqual([]);
		return cluster;
	}
	const parameters = (cluster: FakeCluster) => (cluster.dcs!['postgresql'] as {parameters: Record<string, unknown>}).parameters;

	test('a new cluster starts with the answers\' parameters (bootstrap.dcs): nothing to change', async () => {
		const answers = withParameters({work_mem: '16MB', shared_buffers: '256MB'});
		const cluster = await installed(answers);
		expect(parameters(cluster)).toMatchObject({work_mem: '16MB', shared_buffers: '256MB', wal_level: 'replica'});
		expect(cluster.host('node1').scripts.some(s => s.includes('edit-config'))).toBe(false);
	});

	test('repair --check reports a changed parameter from the primary; apply sets and removes through edit-config; a re-run is a no-op', async () => {
		const cluster = await installed(withParameters({work_mem: '16MB', jit: false}));
		const answers = withParameters({work_mem: '32MB', shared_buffers: '256MB'});
		const check = await converge(cluster, answers, phasesThrough(answers, 'pgbouncer'), 'check');
		expect(drifts(check.events).filter(d => d.step === stepName).map(d => [d.host, d.detail])).toEqual([
			['node1', ['work_mem 16MB -> 32MB', 'shared_buffers unset -> 256MB (needs a restart)', 'jit off -> removed']],
		]);
		const step = parametersStep(answers);
		const applied = await converge(cluster, answers, [{name: 'pgbouncer', summary: '', hosts: ['node1', 'node2', 'node3'], steps: () => [step]}]);
		expect(failures(applied.events)).toEqual([]);
		expect(changedSteps(applied.events)).toEqual([`node1: ${stepName}`]);
		expect(parameters(cluster)).toMatchObject({work_mem: '32MB', shared_buffers: '256MB', wal_level: 'replica', max_wal_senders: 10});
		expect(parameters(cluster)).not.toHaveProperty('jit');
		const again = await converge(cluster, answers, [{name: 'pgbouncer', summary: '', hosts: ['node1', 'node2', 'node3'], steps: () => [step]}]);
		expect(again.outcome.changed).toBe(0);
	});
});

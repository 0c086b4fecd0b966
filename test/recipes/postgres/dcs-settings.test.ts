import {describe, expect, test} from 'vitest';
import type {Answers} from '../../../source/answers/schema.js';
import {dcsDifferences, describeDcsDifference, dcsSettingsStep} from '../../../recipes/postgres/steps.js';
import {dcsSettings} from '../../../recipes/postgres/render.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {changedSteps, converge, drifts, failures, fakeContext, phasesThrough, stepContext} from '../converge.js';

const stepName = 'Patroni cluster settings (ttl, loop_wait, retry_timeout, synchronous mode)';
const base = withStatsPassword(example('compact'));
const withHa = (ha: Partial<Answers['ha']>, patroni: Partial<Answers['patroni']> = {}): Answers => ({...base, ha: {...base.ha, ...ha}, patroni: {...base.patroni, ...patroni}});

/** The compact example installed through the pgbouncer phase with the default answers (async, rto normal). */
async function installed(): Promise<FakeCluster> {
	const cluster = FakeCluster.of(base);
	const first = await converge(cluster, base, phasesThrough(base, 'pgbouncer'));
	expect(failures(first.events)).toEqual([]);
	return cluster;
}

describe('dcsDifferences', () => {
	const normal = dcsSettings(base);

	test('finds nothing when the live configuration holds every value', () => {
		expect(dcsDifferences(normal, {...normal, postgresql: {use_slots: true}})).toEqual([]);
	});

	test('takes a key the configuration does not hold as Patroni\'s default', () => {
		// A cluster bootstrapped without primary_start_timeout and synchronous mode: only the timeout differs from Patroni's defaults.
		const live = {ttl: 30, loop_wait: 10, retry_timeout: 10, maximum_lag_on_failover: 1048576};
		expect(dcsDifferences(normal, live)).toEqual([{key: 'primary_start_timeout', live: undefined, wanted: 30}]);
		expect(dcsDifferences(normal, live).map(describeDcsDifference)).toEqual(["primary_start_timeout unset (Patroni's default 300) → 30"]);
	});

	test('reads values written as text as what they say', () => {
		expect(dcsDifferences(normal, {...normal, ttl: '30', synchronous_mode: 'off', synchronous_mode_strict: 'false'})).toEqual([]);
		expect(dcsDifferences(normal, {...normal, ttl: 'thirty'})).toEqual([{key: 'ttl', live: 'thirty', wanted: 30}]);
	});

	test('names each differing key with its live and wanted value', () => {
		const wanted = dcsSettings(withHa({rto: 'fast', durability: 'synchronous'}));
		expect(dcsDifferences(wanted, {...normal}).map(describeDcsDifference)).toEqual([
			'ttl 30 → 20',
			'loop_wait 10 → 5',
			'retry_timeout 10 → 5',
			'primary_start_timeout 30 → 15',
			'synchronous_mode false → true',
			'synchronous_mode_strict false → true',
		]);
	});
});

describe('the Patroni cluster settings step', () => {
	test('a fresh cluster already has them from bootstrap.dcs', async () => {
		const cluster = await installed();
		expect(cluster.dcs).toMatchObject(dcsSettings(base));
		const context = await fakeContext(cluster, base);
		for (const host of ['node1', 'node2', 'node3']) expect(await dcsSettingsStep(base).check!(stepContext(context, host))).toBe(true);
	});

	test('on the primary it sees a changed answer as drift, naming each key; on a replica it has nothing to do', async () => {
		const cluster = await installed();
		const answers = withHa({rto: 'fast', durability: 'synchronous', writesWithoutReplica: 'continue'});
		const context = await fakeContext(cluster, answers);
		const step = dcsSettingsStep(answers);
		expect(step.name).toBe(stepName);
		const primary = stepContext(context, 'node1');
		expect(await step.check!(primary)).toBe(false);
		expect(await step.explain!(primary)).toEqual(['ttl 30 → 20', 'loop_wait 10 → 5', 'retry_timeout 10 → 5', 'primary_start_timeout 30 → 15', 'synchronous_mode false → true']);
		expect(await step.check!(stepContext(context, 'node2'))).toBe(true);
	});

	test('repair --check reports the drift once, from the primary, and changes nothing', async () => {
		const cluster = await installed();
		const before = structuredClone(cluster.dcs);
		const answers = withHa({rto: 'safe'});
		const check = await converge(cluster, answers, phasesThrough(answers, 'pgbouncer'), 'check');
		expect(drifts(check.events).filter(d => d.step === stepName).map(d => [d.host, d.detail])).toEqual([
			['node1', ['ttl 30 → 60', 'retry_timeout 10 → 25', 'primary_start_timeout 30 → 60']],
		]);
		expect(cluster.dcs).toEqual(before);
		expect(cluster.host('node1').scripts.some(s => s.includes('edit-config'))).toBe(false);
	});

	test('apply sets only the keys that differ with patronictl edit-config, keeps the rest, and restarts nothing', async () => {
		const cluster = await installed();
		const postgresql = structuredClone(cluster.dcs!['postgresql']);
		const actions = cluster.serviceActions();
		const answers = withHa({rto: 'fast', durability: 'synchronous'});
		const step = dcsSettingsStep(answers);
		const {outcome, events} = await converge(cluster, answers, [{name: 'pgbouncer', summary: '', hosts: ['node1', 'node2', 'node3'], steps: () => [step]}]);
		expect(failures(events)).toEqual([]);
		expect(outcome).toMatchObject({ok: true, changed: 1});
		expect(changedSteps(events)).toEqual([`node1: ${stepName}`]);
		expect(cluster.host('node1').scripts.filter(s => s.includes('edit-config'))).toEqual([
			'timeout 20 patronictl -c /etc/patroni/config.yml edit-config --force -s ttl=20 -s loop_wait=5 -s retry_timeout=5 -s primary_start_timeout=15 -s synchronous_mode=true -s synchronous_mode_strict=true',
		]);
		expect(cluster.dcs).toMatchObject({...dcsSettings(answers), postgresql});
		expect(cluster.serviceActions()).toEqual(actions);
		expect(await step.check!(stepContext(await fakeContext(cluster, answers), 'node1'))).toBe(true);
	});

	test('after a failover the new primary applies them', async () => {
		const cluster = await installed();
		cluster.host('node1').stop('patroni');
		const answers = withHa({rto: 'fast'});
		const phase = {name: 'pgbouncer' as const, summary: '', hosts: ['node2', 'node3'], steps: () => [dcsSettingsStep(answers)]};
		const {outcome, events} = await converge(cluster, answers, [phase]);
		expect(cluster.leader).toBe('node2');
		expect(failures(events)).toEqual([]);
		expect(changedSteps(events)).toEqual([`node2: ${stepName}`]);
		expect(outcome.changed).toBe(1);
		expect(cluster.dcs).toMatchObject({ttl: 20, loop_wait: 5, retry_timeout: 5});
	});

	test('a patronictl that cannot read the configuration fails the step, naming the command', async () => {
		const cluster = await installed();
		cluster.dcs = undefined;
		const answers = withHa({rto: 'safe'});
		const {outcome, events} = await converge(cluster, answers, [{name: 'pgbouncer', summary: '', hosts: ['node1'], steps: () => [dcsSettingsStep(answers)]}]);
		expect(outcome.ok).toBe(false);
		expect(events.find(e => e.type === 'step-failed')).toMatchObject({host: 'node1', step: stepName, command: 'timeout 20 patronictl -c /etc/patroni/config.yml show-config'});
	});
});

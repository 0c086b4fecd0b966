import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Answers, AnswersInput} from '../../source/answers/schema.js';
import {readCluster, saveCluster} from '../../source/answers/store.js';
import {connectSome, expectedHostKeys, type Connector} from '../../source/engine/connect.js';
import {applyCluster} from '../../source/engine/install.js';
import {collectEvents} from '../../source/engine/runner.js';
import {UsageError} from '../../source/errors.js';
import {example, exampleRaw, withStatsPassword} from '../answers/fixtures.js';
import {keepKeys} from '../keys/fixtures.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, failures, phasesThrough} from '../recipes/converge.js';
import {recordingConnector} from './recording-connector.js';

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
	home = mkdtempSync(join(tmpdir(), 'pgha-keys-'));
	env = {PGHA_HOME: home};
});
afterEach(() => rmSync(home, {recursive: true, force: true}));

const withKeys = (answers: Answers, hostKeys?: Record<string, string>): Answers => ({...answers, ssh: {...answers.ssh, hostKeys}});
const saveWithKeys = (hostKeys: Record<string, string>) => {
	const raw = exampleRaw('compact') as AnswersInput;
	saveCluster({...raw, ssh: {...raw.ssh, hostKeys}}, env);
};


describe('expected host keys', () => {
	test("the saved cluster's keys stand for hosts the answers leave unpinned", () => {
		saveWithKeys({node1: 'SHA256:saved-1', node2: 'SHA256:saved-2'});
		expect(expectedHostKeys(withKeys(example('compact')), env)).toEqual({node1: 'SHA256:saved-1', node2: 'SHA256:saved-2'});
		expect(expectedHostKeys(withKeys(example('compact'), {node1: 'SHA256:saved-1', node3: 'SHA256:pinned-3'}), env)).toEqual({
			node1: 'SHA256:saved-1',
			node2: 'SHA256:saved-2',
			node3: 'SHA256:pinned-3',
		});
	});

	test('without a saved cluster only the answers pin', () => {
		expect(expectedHostKeys(withKeys(example('compact'), {node2: 'SHA256:pinned-2'}), env)).toEqual({node2: 'SHA256:pinned-2'});
	});

	test("an answer file's key that differs from the recorded one is refused with exit 2, naming the host, both keys and the fix", () => {
		saveWithKeys({node1: 'SHA256:saved-1'});
		const attempt = () => expectedHostKeys(withKeys(example('compact'), {node1: 'SHA256:other-1'}), env);
		expect(attempt).toThrow(UsageError);
		try {
			attempt();
		} catch (error) {
			expect((error as UsageError).exitCode).toBe(2);
			expect((error as Error).message).toContain('ssh.hostKeys.node1 is SHA256:other-1 in these answers, but the saved cluster "compact" recorded SHA256:saved-1 for node1');
			expect((error as Error).message).toContain('run `pgha trust-host node1 --cluster compact`');
			expect((error as Error).message).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
		}
	});

	test('connect hands each host its expected key, the saved one included', async () => {
		saveWithKeys({node1: 'SHA256:saved-1'});
		const {connect, expected} = recordingConnector();
		await connectSome(withKeys(example('compact'), {node2: 'SHA256:pinned-2'}), undefined, connect, env);
		expect(Object.fromEntries(expected)).toEqual({node1: 'SHA256:saved-1', node2: 'SHA256:pinned-2', node3: undefined});
	});

	test('a contradicting key stops applyCluster before any host is contacted or a log is written', async () => {
		saveWithKeys({node1: 'SHA256:saved-1'});
		const {connect, expected} = recordingConnector();
		const {sink} = collectEvents();
		const answers = withKeys(example('compact'), {node1: 'SHA256:other-1'});
		await expect(applyCluster({answers, raw: exampleRaw('compact') as AnswersInput, emit: sink, env, connect, verify: false})).rejects.toThrow(UsageError);
		expect(expected.size).toBe(0);
		expect(existsSync(join(home, 'logs'))).toBe(false);
	});
});

describe('recording host keys after a run', () => {
	let cluster: FakeCluster;
	const answers = withStatsPassword(example('compact'));
	beforeEach(async () => {
		cluster = FakeCluster.of(answers);
		expect(failures((await converge(cluster, answers, phasesThrough(answers))).events)).toEqual([]);
		// The cluster's keys as the install left them: the hosts trust this CA.
		await keepKeys(answers, {PGHA_HOME: home});
	});

	test('only hosts without a key gain one; a recorded key is never replaced, whatever the host presented', async () => {
		// node1 presents SHA256:fake-node1, but the saved cluster recorded another key for it. A connector that
		// checks would refuse; this one lets the run go on, to show the record keeps the old key anyway.
		saveWithKeys({node1: 'SHA256:saved-1'});
		const seen = new Map<string, string | undefined>();
		const connect: Connector = async (host, ssh, key) => (seen.set(host.name, key), cluster.connect(host, ssh, key));
		const {sink, events} = collectEvents();
		const result = await applyCluster({answers, raw: exampleRaw('compact') as AnswersInput, emit: sink, env, connect, verify: false});
		expect(failures(events)).toEqual([]);
		expect(result.ok).toBe(true);
		expect(seen.get('node1')).toBe('SHA256:saved-1');
		expect(readCluster('compact', env)?.ssh?.hostKeys).toEqual({node1: 'SHA256:saved-1', node2: 'SHA256:fake-node2', node3: 'SHA256:fake-node3'});
	});
});

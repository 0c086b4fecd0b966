import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest';
import type {AnswersInput} from '../../source/answers/schema.js';
import {loadCluster, readCluster, savedHostKeys, saveCluster} from '../../source/answers/store.js';
import {main} from '../../source/commands/main.js';
import {expectedHostKeys} from '../../source/engine/connect.js';
import {exampleRaw} from '../answers/fixtures.js';
import {recordingConnector} from '../engine/recording-connector.js';
import {captureIo, noFlags} from './io.js';
import {emptyHome, savedSeed, snapshot} from './saved-cluster.js';

// The hosts as the fake transport sees them: each presents a key (unless unreachable) and,
// like the real one, refuses a connection told to expect another key before any login.
const oldKey = 'SHA256:old-postgres1-key';
const newKey = 'SHA256:new-postgres1-key';
const presents = new Map<string, string | 'unreachable'>();
const opened: Array<{name: string; ip: string; expected?: string; loggedIn: boolean}> = [];
vi.mock('../../source/transport/ssh.js', async importOriginal => {
	const real = (await importOriginal()) as typeof import('../../source/transport/ssh.js');
	const {UserError} = await import('../../source/errors.js');
	return {
		...real,
		HostConnection: {
			open: async (host: {name: string; ip: string}, settings: {port: number}, expected?: string) => {
				const key = presents.get(host.name) ?? 'unreachable';
				if (key === 'unreachable') {
					opened.push({name: host.name, ip: host.ip, expected, loggedIn: false});
					throw new UserError(`${host.name} (${host.ip}) is unreachable over SSH port ${settings.port}: connect EHOSTUNREACH ${host.ip}:${settings.port}`);
				}
				if (expected && expected !== key) {
					opened.push({name: host.name, ip: host.ip, expected, loggedIn: false});
					throw new real.HostKeyChanged(host.name, host.ip, key, expected);
				}
				opened.push({name: host.name, ip: host.ip, expected, loggedIn: true});
				return {fingerprint: key, close: () => {}};
			},
		},
	};
});

// The terminal's answer to the one question trust-host asks.
const asked: string[] = [];
let answer = true;
vi.mock('../../source/commands/confirm.js', () => ({
	confirm: async (question: string) => {
		asked.push(question);
		return answer;
	},
}));

const homes: string[] = [];
const home = (env: Record<string, string>) => (homes.push(env['PGHA_HOME']!), env);
afterAll(() => homes.forEach(dir => rmSync(dir, {recursive: true, force: true})));
beforeEach(() => {
	opened.splice(0);
	asked.splice(0);
	presents.clear();
	answer = true;
});

const withKeys = (hostKeys?: Record<string, string>) => (raw: AnswersInput) => ({...raw, ssh: {...raw.ssh, hostKeys}});
const recorded = {postgres1: oldKey, postgres2: 'SHA256:postgres2-key', etcd1: 'SHA256:etcd1-key'};

describe('pgha trust-host: a host that presents a new key', () => {
	it('shows the recorded key and the new one, with how to check it on the console, and records it with --yes', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		presents.set('postgres1', newKey);
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], {...noFlags, cluster: 'produccion', yes: true}, io)).toBe(0);
		expect(io.lines[0]).toBe(
			[
				'Cluster "produccion", host postgres1 (192.168.100.1):',
				`  recorded host key   ${oldKey}`,
				`  presented host key  ${newKey}`,
				"Before you accept it, compare the presented key with what postgres1's own console prints (as root):",
				'  ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
				'If they differ, do not accept: another machine may be answering at 192.168.100.1.',
			].join('\n'),
		);
		expect(io.lines[1]).toBe(`pgha: recorded host key ${newKey} for postgres1 in cluster "produccion" in place of ${oldKey}; pgha connects to postgres1 again`);
		expect(io.errors).toEqual([]);
		// The new key was learnt from a connection that expected the old one: it never got to log in.
		expect(opened).toEqual([{name: 'postgres1', ip: '192.168.100.1', expected: oldKey, loggedIn: false}]);
		// Saved in place of the old key, every other key as it was.
		expect(readCluster('produccion', env)?.ssh?.hostKeys).toEqual({...recorded, postgres1: newKey});
		expect(savedHostKeys('produccion', env)).toEqual({...recorded, postgres1: newKey});
	});

	it('is then the key every command expects of that host', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		presents.set('postgres1', newKey);
		expect(await main(['trust-host', 'postgres1'], {...noFlags, yes: true}, captureIo(env))).toBe(0);
		const loaded = loadCluster('produccion', env);
		if (!loaded.ok) throw new Error('the saved cluster no longer loads');
		expect(expectedHostKeys(loaded.answers, env)['postgres1']).toBe(newKey);
		const {connect, expected} = recordingConnector();
		await main(['status'], {...noFlags, cluster: 'produccion'}, {...captureIo(env), connect}).catch(() => 1);
		expect(expected.get('postgres1')).toBe(newKey);
		expect(expected.get('postgres2')).toBe('SHA256:postgres2-key');
	});

	it('asks on a terminal, and records the key when the answer is yes', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		presents.set('postgres1', newKey);
		const io = captureIo(env, true);
		expect(await main(['trust-host', 'postgres1'], noFlags, io)).toBe(0);
		expect(asked).toEqual([`Trust host key ${newKey} for postgres1 in cluster "produccion"?`]);
		expect(savedHostKeys('produccion', env)['postgres1']).toBe(newKey);
	});

	it('changes nothing when the answer is no (exit 1)', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		const before = snapshot(env['PGHA_HOME']!);
		presents.set('postgres1', newKey);
		answer = false;
		const io = captureIo(env, true);
		expect(await main(['trust-host', 'postgres1'], noFlags, io)).toBe(1);
		expect(asked).toHaveLength(1);
		expect(io.lines.at(-1)).toBe('Nothing was changed.');
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('without a terminal and without --yes shows both keys, then is refused with exit 2 naming --yes', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		const before = snapshot(env['PGHA_HOME']!);
		presents.set('postgres1', newKey);
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], noFlags, io)).toBe(2);
		expect(io.stdout()).toContain(`presented host key  ${newKey}`);
		expect(io.stderr()).toBe(`pgha: nothing was changed: pass --yes to record ${newKey} for postgres1 without a terminal to confirm on`);
		expect(asked).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('records the key of a host that had none, from a first login as for a new host', async () => {
		const env = home(savedSeed(withKeys({postgres2: 'SHA256:postgres2-key'})));
		presents.set('postgres1', newKey);
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], {...noFlags, yes: true}, io)).toBe(0);
		expect(io.stdout()).toContain('  recorded host key   (none recorded)\n');
		expect(io.lines.at(-1)).toBe(`pgha: recorded host key ${newKey} for postgres1 in cluster "produccion"; pgha connects to postgres1 again`);
		expect(opened).toEqual([{name: 'postgres1', ip: '192.168.100.1', expected: undefined, loggedIn: true}]);
		expect(savedHostKeys('produccion', env)).toEqual({postgres2: 'SHA256:postgres2-key', postgres1: newKey});
	});
});

describe('pgha trust-host: nothing to record', () => {
	it('a host that presents the recorded key: says so, exit 0, nothing changed', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		const before = snapshot(env['PGHA_HOME']!);
		presents.set('postgres1', oldKey);
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], noFlags, io)).toBe(0);
		expect(io.lines).toEqual([`postgres1 (192.168.100.1) presents the host key recorded for it, ${oldKey}; nothing changed`]);
		expect(io.errors).toEqual([]);
		expect(asked).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('an unreachable host: exit 1 with why, nothing changed', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], {...noFlags, yes: true}, io)).toBe(1);
		expect(io.stderr()).toBe('pgha: postgres1 (192.168.100.1) is unreachable over SSH port 22: connect EHOSTUNREACH 192.168.100.1:22; nothing was changed');
		expect(io.lines).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});
});

describe('pgha trust-host: usage (exit 2, no host contacted)', () => {
	it('an unknown host name names the hosts of the cluster', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres9'], {...noFlags, yes: true}, io)).toBe(2);
		expect(io.stderr()).toBe(
			'pgha: cluster "produccion" has no host "postgres9"; its hosts are postgres1, postgres2, postgres3, etcd1, etcd2, etcd3, haproxy1, haproxy2, pgbackrestRepo',
		);
		expect(opened).toEqual([]);
	});

	it('no host name', async () => {
		const io = captureIo(home(savedSeed()));
		expect(await main(['trust-host'], noFlags, io)).toBe(2);
		expect(io.stderr()).toMatch(/^pgha: trust-host needs a host name: pgha trust-host NAME \(the hosts of cluster "produccion": postgres1, postgres2, /);
		expect(opened).toEqual([]);
	});

	it('two host names', async () => {
		const io = captureIo(home(savedSeed()));
		expect(await main(['trust-host', 'postgres1', 'postgres2'], noFlags, io)).toBe(2);
		expect(io.stderr()).toContain('trust-host takes one host name, not 2');
		expect(opened).toEqual([]);
	});

	it('an answer file instead of a saved cluster', async () => {
		const io = captureIo(home(savedSeed()));
		expect(await main(['trust-host', 'postgres1'], {...noFlags, answers: 'examples/seed-topology.yaml'}, io)).toBe(2);
		expect(io.stderr()).toContain('pass --cluster NAME, not --answers');
		expect(opened).toEqual([]);
	});

	it('no saved cluster, or several without --cluster', async () => {
		const none = captureIo(home(emptyHome()));
		expect(await main(['trust-host', 'postgres1'], noFlags, none)).toBe(2);
		expect(none.stderr()).toContain('no saved cluster');
		const env = home(savedSeed());
		saveCluster({...(exampleRaw('seed-topology') as AnswersInput), cluster: {name: 'otro'}} as AnswersInput, env);
		const several = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], noFlags, several)).toBe(2);
		expect(several.stderr()).toContain('several saved clusters (otro, produccion); pass --cluster NAME');
		expect(opened).toEqual([]);
	});

	it('--cluster picks the cluster whose key is recorded', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		saveCluster(withKeys({postgres1: 'SHA256:otro-key'})({...(exampleRaw('seed-topology') as AnswersInput), cluster: {name: 'otro'}}), env);
		presents.set('postgres1', newKey);
		const io = captureIo(env);
		expect(await main(['trust-host', 'postgres1'], {...noFlags, cluster: 'otro', yes: true}, io), io.stderr()).toBe(0);
		expect(opened[0]?.expected).toBe('SHA256:otro-key');
		expect(savedHostKeys('otro', env)).toEqual({postgres1: newKey});
		expect(savedHostKeys('produccion', env)).toEqual(recorded);
	});
});

describe('the refusal of a changed key points at trust-host', () => {
	it('from an answer file that pins another key than the saved one', async () => {
		const env = home(savedSeed(withKeys(recorded)));
		const file = join(env['PGHA_HOME']!, 'answers.yaml');
		writeFileSync(file, YAML.stringify(withKeys({postgres1: newKey})(exampleRaw('seed-topology') as AnswersInput)));
		const io = captureIo(env);
		expect(await main(['status'], {...noFlags, answers: file}, io)).toBe(2);
		expect(io.stderr()).toContain('run `pgha trust-host postgres1 --cluster produccion`');
	});
});

import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest';
import type {AnswersInput} from '../../source/answers/schema.js';
import {readCluster} from '../../source/answers/store.js';
import {main} from '../../source/commands/main.js';
import {exampleRaw} from '../answers/fixtures.js';
import {captureIo, noFlags} from './io.js';
import {emptyHome, savedSeed, snapshot} from './saved-cluster.js';
import {recordingConnector} from '../engine/recording-connector.js';

// The new host add-replica checks: it presents `newHostKey`, and refuses (as the real
// transport would) a connection told to expect another key.
const newHostKey = 'SHA256:new-host-key';
const opened: Array<{name: string; ip: string; expected?: string}> = [];
vi.mock('../../source/transport/ssh.js', async importOriginal => {
	const real = (await importOriginal()) as typeof import('../../source/transport/ssh.js');
	const {UserError} = await import('../../source/errors.js');
	return {
		...real,
		HostConnection: {
			open: async (host: {name: string; ip: string}, _settings: unknown, expected?: string) => {
				opened.push({...host, expected});
				if (expected && expected !== newHostKey) throw new UserError(`${host.name} (${host.ip}) presented host key ${newHostKey}, but ${expected} is recorded for it`);
				return {
					fingerprint: newHostKey,
					run: async () => ({code: 0, stdout: 'Debian GNU/Linux 12 (bookworm)\ndebian 12\neth0 \n', stderr: ''}),
					close: () => {},
				};
			},
		},
	};
});

const homes: string[] = [];
const home = (env: Record<string, string>) => (homes.push(env['PGHA_HOME']!), env);
afterAll(() => homes.forEach(dir => rmSync(dir, {recursive: true, force: true})));
beforeEach(() => void opened.splice(0));


const seedWithKeys = (hostKeys?: Record<string, string>) => (raw: AnswersInput) => ({...raw, ssh: {...raw.ssh, hostKeys}});

/** The seed example as an answer file in PGHA_HOME, with these pins. */
function answerFile(env: Record<string, string>, hostKeys?: Record<string, string>): string {
	const file = join(env['PGHA_HOME']!, 'answers.yaml');
	writeFileSync(file, YAML.stringify(seedWithKeys(hostKeys)(exampleRaw('seed-topology') as AnswersInput)));
	return file;
}

describe('install and repair --answers FILE with a saved cluster of the same name', () => {
	for (const command of ['install', 'repair'] as const) {
		it(`${command}: the saved keys are the expected keys of the hosts the file leaves unpinned`, async () => {
			const env = home(savedSeed(seedWithKeys({postgres1: 'SHA256:saved-postgres1', etcd1: 'SHA256:saved-etcd1'})));
			const {connect, expected} = recordingConnector();
			const io = {...captureIo(env), connect};
			// repair --check: with every host refused, repair would otherwise wait for the cluster to settle.
			await main([command], {...noFlags, answers: answerFile(env, {haproxy1: 'SHA256:file-haproxy1'}), yes: true, check: command === 'repair'}, io);
			expect(expected.get('postgres1')).toBe('SHA256:saved-postgres1');
			expect(expected.get('etcd1')).toBe('SHA256:saved-etcd1');
			expect(expected.get('haproxy1')).toBe('SHA256:file-haproxy1');
			expect(expected.get('postgres2')).toBeUndefined();
			expect(expected.size).toBe(9);
		});

		it(`${command}: a file pinning another key than the recorded one is refused with exit 2 before any host is contacted`, async () => {
			const env = home(savedSeed(seedWithKeys({postgres1: 'SHA256:saved-postgres1'})));
			const before = snapshot(env['PGHA_HOME']!);
			const {connect, expected} = recordingConnector();
			const io = {...captureIo(env), connect};
			const file = answerFile(env, {postgres1: 'SHA256:file-postgres1'});
			expect(await main([command], {...noFlags, answers: file, yes: true}, io)).toBe(2);
			expect(io.stderr()).toContain('ssh.hostKeys.postgres1 is SHA256:file-postgres1 in these answers, but the saved cluster "produccion" recorded SHA256:saved-postgres1');
			expect(expected.size).toBe(0);
			const after = snapshot(env['PGHA_HOME']!);
			delete after['/answers.yaml'];
			expect(after).toEqual(before);
		});
	}

	it('status and verify expect the saved keys too', async () => {
		for (const command of ['status', 'verify']) {
			const env = home(savedSeed(seedWithKeys({postgres1: 'SHA256:saved-postgres1'})));
			const {connect, expected} = recordingConnector();
			await main([command], {...noFlags, answers: answerFile(env)}, {...captureIo(env), connect}).catch(() => 1);
			expect(expected.get('postgres1'), command).toBe('SHA256:saved-postgres1');
		}
	});
});

describe('add-replica: the key shown is the key the run expects', () => {
	it("the new host's connection in the run must present the fingerprint that was shown and accepted", async () => {
		const env = home(savedSeed(seedWithKeys({postgres1: 'SHA256:saved-postgres1'})));
		const {connect, expected} = recordingConnector();
		const io = {...captureIo(env), connect};
		expect(await main(['add-replica'], {...noFlags, cluster: 'produccion', name: 'postgres4', ip: '192.168.100.10', yes: true}, io)).toBe(1);
		expect(io.stdout()).toContain(`postgres4 (192.168.100.10): Debian GNU/Linux 12 (bookworm); host key ${newHostKey}`);
		expect(opened).toEqual([{name: '192.168.100.10', ip: '192.168.100.10', expected: undefined}]);
		expect(expected.get('postgres4')).toBe(newHostKey);
		expect(expected.get('postgres1')).toBe('SHA256:saved-postgres1');
	});

	it('a key already recorded for that name is what the new host must present at the check, before any login', async () => {
		const env = home(savedSeed(seedWithKeys({postgres4: 'SHA256:recorded-postgres4'})));
		const before = snapshot(env['PGHA_HOME']!);
		const {connect, expected} = recordingConnector();
		const io = {...captureIo(env), connect};
		expect(await main(['add-replica'], {...noFlags, cluster: 'produccion', name: 'postgres4', ip: '192.168.100.10', yes: true}, io)).toBe(1);
		expect(opened).toEqual([{name: 'postgres4', ip: '192.168.100.10', expected: 'SHA256:recorded-postgres4'}]);
		expect(io.stderr()).toContain(`postgres4 (192.168.100.10) presented host key ${newHostKey}, but SHA256:recorded-postgres4 is recorded for it`);
		expect(expected.size).toBe(0);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
		expect(readCluster('produccion', env)?.ssh?.hostKeys).toEqual({postgres4: 'SHA256:recorded-postgres4'});
	});

	it('without a saved cluster nothing is expected but the answers', async () => {
		const env = home(emptyHome());
		const {connect, expected} = recordingConnector();
		await main(['install'], {...noFlags, answers: answerFile(env, {etcd2: 'SHA256:file-etcd2'}), yes: true}, {...captureIo(env), connect});
		expect(Object.fromEntries([...expected].filter(([, key]) => key))).toEqual({etcd2: 'SHA256:file-etcd2'});
	});
});

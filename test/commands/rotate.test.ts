import {X509Certificate} from 'node:crypto';
import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeEach, describe, expect, test, vi} from 'vitest';
import type {AnswersInput} from '../../source/answers/schema.js';
import {loadCluster, saveCluster} from '../../source/answers/store.js';
import {main} from '../../source/commands/main.js';
import type {Flags} from '../../source/commands/context.js';
import type {RunRequest} from '../../source/engine/install.js';
import {readCertificate, signedBy} from '../../source/keys/certificates.js';
import {keysDir, prepareKeys} from '../../source/keys/store.js';
import {fileChanges, serviceActions} from '../../source/plan/changes.js';
import {placeholderKeys} from '../../source/keys/cluster-keys.js';
import {rotatablePasswords} from '../../source/commands/rotate.js';
import {answersFrom, exampleRaw, strongEnv} from '../answers/fixtures.js';
import {captureIo, noFlags} from './io.js';
import {emptyHome, snapshot} from './saved-cluster.js';

// The engine is the one convergent apply and has its own tests: here it records what the command hands it and answers as a run would.
const runs: RunRequest[] = [];
vi.mock('../../source/engine/install.js', () => ({
	applyCluster: async (request: RunRequest) => {
		runs.push(request);
		for (const host of ['postgres1', 'postgres2', 'postgres3'])
			request.emit({type: 'step-finished', host, phase: 'pgbouncer', step: 'service pgbouncer', changed: true, at: 0});
		return {ok: true, changed: 3, unchanged: 0, logFile: '/tmp/run.log', verified: true, unreachable: []};
	},
}));

const oldStats = 'Stats-Secret-Value-6';
const homes: string[] = [];

/** A PGHA_HOME with the seed saved as "produccion", its secrets literal, so they are kept in its secrets file. */
function saved(): {env: Record<string, string>; secretsFile: string} {
	const env = {PGHA_HOME: emptyHome()['PGHA_HOME']!};
	homes.push(env.PGHA_HOME);
	const raw = exampleRaw('seed-topology') as AnswersInput;
	const literal = answersFrom(raw).passwords;
	saveCluster({...raw, passwords: {...literal, haproxyStats: oldStats}} as AnswersInput, env);
	return {env, secretsFile: join(env.PGHA_HOME, 'clusters', 'produccion.secrets.json')};
}

const yes: Flags = {...noFlags, yes: true};
const secrets = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;

beforeEach(() => void runs.splice(0));
afterAll(() => homes.forEach(dir => rmSync(dir, {recursive: true, force: true})));

describe('pgha rotate password: refusals change nothing (exit 2)', () => {
	test.each([
		[['rotate', 'password', 'vrrp'], 'more than one holds the VIP', 'maintenance window'],
		[['rotate', 'password', 'backupCipher'], 'new pgBackRest repository', 'set up a new repository'],
		[['rotate', 'password', 'root'], 'unknown password "root"', 'superuser, replication, app, patroniApi, haproxyStats'],
		[['rotate', 'password'], "needs the password's name", 'superuser, replication, app, patroniApi, haproxyStats'],
		[['rotate', 'keys'], 'cannot rotate "keys"', 'pgha rotate certificates'],
	])('%j', async (args, why, fix) => {
		const {env} = saved();
		const before = snapshot(env.PGHA_HOME);
		const io = captureIo(env);
		expect(await main(args, yes, io)).toBe(2);
		expect(io.stderr()).toContain(why);
		expect(io.stderr()).toContain(fix);
		expect(snapshot(env.PGHA_HOME)).toEqual(before);
		expect(runs).toEqual([]);
	});

	test('a password on the command line is refused without being echoed', async () => {
		const {env} = saved();
		const io = captureIo(env);
		expect(await main(['rotate', 'password', 'app', 'Typed-On-Argv-123'], yes, io)).toBe(2);
		expect(io.stderr()).toContain('--stdin');
		expect(io.stderr() + io.stdout()).not.toContain('Typed-On-Argv-123');
		expect(runs).toEqual([]);
	});

	test('without --yes and without a terminal it asks for --yes', async () => {
		const {env} = saved();
		const io = captureIo(env);
		expect(await main(['rotate', 'password', 'app'], noFlags, io)).toBe(2);
		expect(io.stderr()).toContain('pass --yes');
	});

	test('--stdin: an empty, multi-line, weak or unchanged password is refused naming the field', async () => {
		for (const [input, message] of [
			['', 'read no password'],
			['One-Line-Password-1\nTwo-Line-Password-2\n', 'reads one line'],
			['short\n', 'passwords.app'],
			[`${strongEnv['PGHA_APP_PASSWORD']}\n`, 'that is the current app password'],
		] as const) {
			const {env, secretsFile} = saved();
			const before = readFileSync(secretsFile, 'utf8');
			const io = {...captureIo(env), readStdin: async () => input};
			expect(await main(['rotate', 'password', 'app'], {...yes, stdin: true}, io)).toBe(2);
			expect(io.stderr()).toContain(message);
			expect(readFileSync(secretsFile, 'utf8')).toBe(before);
		}
		expect(runs).toEqual([]);
	});
});

describe('pgha rotate password NAME', () => {
	test('--stdin: the piped password is saved in the secrets file, the old one is gone, and the run converges with it', async () => {
		const {env, secretsFile} = saved();
		const fresh = 'Piped-App-Password-42';
		const io = {...captureIo(env), readStdin: async () => `${fresh}\n`};
		expect(await main(['rotate', 'password', 'app'], {...yes, stdin: true, cluster: 'produccion'}, io)).toBe(0);
		expect(secrets(secretsFile)['PGHA_APP_PASSWORD']).toBe(fresh);
		expect(readFileSync(secretsFile, 'utf8')).not.toContain(strongEnv['PGHA_APP_PASSWORD']);
		expect(loadCluster('produccion', env)).toMatchObject({ok: true, answers: {passwords: {app: fresh}}});
		// One run: the same convergent apply, verify on, told to hide the old value too.
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({mode: 'apply', verify: true, answers: {passwords: {app: fresh}}, redact: [strongEnv['PGHA_APP_PASSWORD']]});
		// Neither value is ever printed; the plan names the files and the reloads, the end which services were reloaded.
		for (const secret of [fresh, strongEnv['PGHA_APP_PASSWORD']!]) expect(io.stdout() + io.stderr()).not.toContain(secret);
		expect(io.stdout()).toContain('/etc/pgbouncer/userlist.txt (pgbouncer reloads)');
		expect(io.stdout()).toContain('pgha: pgbouncer reloaded on postgres1, postgres2, postgres3; nothing was restarted.');
	});

	test('generated: a new strong password replaces the old one in the secrets file', async () => {
		const {env, secretsFile} = saved();
		const io = captureIo(env);
		expect(await main(['rotate', 'password', 'haproxyStats'], yes, io)).toBe(0);
		const now = secrets(secretsFile)['PGHA_HAPROXY_STATS_PASSWORD']!;
		expect(now).toMatch(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/);
		expect(now).toHaveLength(25);
		expect(now).not.toBe(oldStats);
		expect(readFileSync(secretsFile, 'utf8')).not.toContain(oldStats);
		expect(io.stdout()).not.toContain(now);
		expect(io.stdout()).toContain('haproxy: reload on haproxy1, haproxy2');
	});

	test('every rotatable password changes files whose services reload, and none restarts', () => {
		const answers = {...answersFrom(exampleRaw('seed-topology')), passwords: {...answersFrom(exampleRaw('seed-topology')).passwords, haproxyStats: oldStats}};
		const keys = placeholderKeys(answers);
		for (const name of Object.keys(rotatablePasswords) as Array<keyof typeof rotatablePasswords>) {
			const changes = fileChanges({answers, keys}, {answers: {...answers, passwords: {...answers.passwords, [name]: 'Rotated-Value-77'}}, keys});
			expect(changes.length, name).toBeGreaterThan(0);
			expect(serviceActions(changes).map(a => a.how), name).not.toContain('restart');
		}
	});
});

describe('pgha rotate certificates', () => {
	test('is refused before the cluster has a CA', async () => {
		const {env} = saved();
		const io = captureIo(env);
		expect(await main(['rotate', 'certificates'], yes, io)).toBe(2);
		expect(io.stderr()).toContain('pgha install --cluster produccion');
	});

	test('issues a new certificate and key for every host from the same CA, and converges with them', async () => {
		const {env} = saved();
		const answers = answersFrom(exampleRaw('seed-topology'));
		const first = await prepareKeys(answers, env, {});
		first.save();
		const ca = readFileSync(join(keysDir('produccion', env), 'ca.crt'), 'utf8');
		const io = captureIo(env);
		expect(await main(['rotate', 'certificates'], yes, io)).toBe(0);
		const kept = await prepareKeys(answers, env, {});
		expect(readFileSync(join(keysDir('produccion', env), 'ca.crt'), 'utf8')).toBe(ca);
		for (const host of answers.hosts) {
			const [before, after] = [first.keys.hosts[host.name]!, kept.keys.hosts[host.name]!];
			expect(after.key).not.toBe(before.key);
			expect(after.cert).not.toBe(before.cert);
			expect(await signedBy(after.cert, ca)).toBe(true);
			expect(readCertificate(after.cert).names).toEqual(readCertificate(before.cert).names);
			expect(serial(after.cert)).not.toBe(serial(before.cert));
		}
		// Nothing left to renew: the run's own preparation applies the kept ones.
		expect(kept.changes).toEqual([]);
		expect(io.stdout()).toMatch(new RegExp(`issued ${answers.hosts.length} certificate\\(s\\) from the cluster CA; the earliest expires on \\d{4}-\\d\\d-\\d\\d`));
		expect(io.stdout()).toContain('patroni: reload on postgres1, postgres2, postgres3');
		expect(io.stdout()).not.toContain('restart on');
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({mode: 'apply', verify: true});
	});
});

const serial = (pem: string) => new X509Certificate(pem).serialNumber;

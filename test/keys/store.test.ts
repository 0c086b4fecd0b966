import {existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {AnswersInput} from '../../source/answers/schema.js';
import {saveCluster} from '../../source/answers/store.js';
import {UserError} from '../../source/errors.js';
import {certificateProblems, createCa, issueCertificate, readCertificate} from '../../source/keys/certificates.js';
import {certificateNames} from '../../source/keys/cluster-keys.js';
import {caCertPath, completeAnswers, keysDir, prepareKeys, writePrivateFile} from '../../source/keys/store.js';
import {answersFrom, example, exampleRaw, strongEnv} from '../answers/fixtures.js';
import {findTool} from '../recipes/tool-helpers.js';
import {skipOrFail} from '../strict.js';
import {opensslCa} from './fixtures.js';

const day = 24 * 60 * 60 * 1000;
let home: string;
let env: {PGHA_HOME: string};
beforeEach(() => {
	home = mkdtempSync(join(tmpdir(), 'pgha-keys-'));
	env = {PGHA_HOME: home};
});
afterEach(() => rmSync(home, {recursive: true, force: true}));

/** Every file under the keys directory with its content and mode. */
function files(dir: string): Record<string, {content: string; mode: number}> {
	const out: Record<string, {content: string; mode: number}> = {};
	const walk = (at: string) => {
		for (const entry of readdirSync(at, {withFileTypes: true})) {
			const path = join(at, entry.name);
			if (entry.isDirectory()) walk(path);
			else out[path.slice(dir.length + 1)] = {content: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777};
		}
	};
	walk(dir);
	return out;
}

/** prepareKeys as an apply uses it: prepared, then saved. */
async function saved(answers: Parameters<typeof prepareKeys>[0], options: Parameters<typeof prepareKeys>[2] = {}) {
	const prepared = await prepareKeys(answers, env, options);
	prepared.save();
	return prepared;
}

describe('prepareKeys', () => {
	it('makes the CA, a certificate per host and the owner\'s salt, keys readable by the owner only', async () => {
		const answers = example('compact');
		const {keys, changes} = await saved(answers);
		const dir = keysDir('compact', env);
		expect(dir).toBe(join(home, 'clusters', 'compact.keys'));
		const kept = files(dir);
		expect(Object.keys(kept).sort()).toEqual(['ca.crt', 'ca.key', 'hosts/node1.crt', 'hosts/node1.key', 'hosts/node2.crt', 'hosts/node2.key', 'hosts/node3.crt', 'hosts/node3.key', 'scram-salts.json']);
		for (const [path, file] of Object.entries(kept)) expect(file.mode, path).toBe(path.endsWith('.crt') ? 0o644 : 0o600);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(keys.caCert).toBe(kept['ca.crt']!.content);
		for (const host of answers.hosts) {
			expect(keys.hosts[host.name]).toEqual({cert: kept[`hosts/${host.name}.crt`]!.content, key: kept[`hosts/${host.name}.key`]!.content});
			expect(await certificateProblems(keys.hosts[host.name]!.cert, keys.caCert, certificateNames(answers, host), 30)).toEqual([]);
		}
		expect(JSON.parse(kept['scram-salts.json']!.content)).toEqual(keys.scramSalts);
		expect(Buffer.from(keys.scramSalts['aplicacion']!, 'base64')).toHaveLength(16);
		expect(changes).toEqual([
			`made the cluster CA ${join(dir, 'ca.crt')}`,
			'issued a certificate for node1 (the kept one is missing)',
			'issued a certificate for node2 (the kept one is missing)',
			'issued a certificate for node3 (the kept one is missing)',
			'made a random SCRAM salt for the database owner',
		]);
		// The CA's key stays on this machine: nothing renderers get holds it.
		expect(JSON.stringify(keys)).not.toContain(kept['ca.key']!.content);
	});

	it('reuses what it kept, byte for byte, on a second run', async () => {
		const answers = example('compact');
		const first = await saved(answers);
		const before = files(keysDir('compact', env));
		const second = await saved(answers);
		expect(second.changes).toEqual([]);
		expect(second.keys).toEqual(first.keys);
		expect(files(keysDir('compact', env))).toEqual(before);
	});

	it('issues a new certificate for a host whose address changed, and only for it', async () => {
		const first = await saved(example('compact'));
		const raw = exampleRaw('compact');
		(raw['hosts'] as Array<{name: string; ip: string}>)[1]!.ip = '10.20.0.22';
		const moved = answersFrom(raw);
		const second = await saved(moved);
		expect(second.changes).toEqual(['issued a certificate for node2 (the kept one does not name 10.20.0.22 (it names node2, localhost, 10.20.0.12, 10.20.0.100, 127.0.0.1))']);
		expect(readCertificate(second.keys.hosts['node2']!.cert).names.ips).toEqual(['10.20.0.22', '10.20.0.100', '127.0.0.1']);
		expect(second.keys.hosts['node1']).toEqual(first.keys.hosts['node1']);
		expect(second.keys.caCert).toBe(first.keys.caCert);
		expect(readFileSync(join(keysDir('compact', env), 'hosts', 'node2.crt'), 'utf8')).toBe(second.keys.hosts['node2']!.cert);
	});

	it('renews a kept certificate that expires within 30 days', async () => {
		const answers = example('compact');
		await saved(answers);
		// Ten days before node3's certificate runs out (it was issued for 730).
		const later = new Date(Date.now() + 720 * day);
		const renewed = await saved(answers, {now: later});
		expect(renewed.changes).toHaveLength(3);
		expect(renewed.changes[0]).toMatch(/^issued a certificate for node1 \(the kept one expires on \d{4}-\d\d-\d\d, in (9|10) day\(s\)\)$/);
		expect(readCertificate(renewed.keys.hosts['node3']!.cert).notAfter.getTime()).toBeGreaterThan(later.getTime() + 700 * day);
	});

	it('renews a certificate issued by hand that expires in 10 days', async () => {
		const answers = example('compact');
		const {keys} = await saved(answers);
		const dir = keysDir('compact', env);
		const ca = {cert: keys.caCert, key: readFileSync(join(dir, 'ca.key'), 'utf8')};
		const node1 = answers.hosts[0]!;
		const short = await issueCertificate(ca, 'node1', certificateNames(answers, node1), 10);
		writePrivateFile(join(dir, 'hosts', 'node1.crt'), short.cert, 0o644);
		writePrivateFile(join(dir, 'hosts', 'node1.key'), short.key);
		const again = await saved(answers);
		expect(again.changes).toEqual([expect.stringMatching(/^issued a certificate for node1 \(the kept one expires on .*, in (9|10) day\(s\)\)$/)]);
		expect(again.keys.hosts['node1']!.cert).not.toBe(short.cert);
	});

	it('issues again when a kept key does not match its certificate', async () => {
		const answers = example('compact');
		const {keys} = await saved(answers);
		writePrivateFile(join(keysDir('compact', env), 'hosts', 'node2.key'), keys.hosts['node1']!.key);
		const again = await saved(answers);
		expect(again.changes).toEqual(['issued a certificate for node2 (the kept one did not match its key)']);
	});

	it('writes nothing until saved, yet hands back complete keys; save keeps exactly what it handed back', async () => {
		const answers = example('compact');
		const prepared = await prepareKeys(answers, env, {});
		expect(readdirSync(home)).toEqual([]);
		expect(Object.keys(prepared.keys.hosts)).toEqual(['node1', 'node2', 'node3']);
		expect(prepared.changes).toHaveLength(5);
		expect(prepared.caIsNew).toBe(true);
		prepared.save();
		const before = files(keysDir('compact', env));
		expect(before['ca.crt']!.content).toBe(prepared.keys.caCert);
		expect(before['hosts/node2.crt']!.content).toBe(prepared.keys.hosts['node2']!.cert);
		expect(JSON.parse(before['scram-salts.json']!.content)).toEqual(prepared.keys.scramSalts);
		// Kept keys are read, not changed: a renewal shows only in memory until it is saved.
		const again = await prepareKeys(answers, env, {});
		expect(again.caIsNew).toBe(false);
		expect(again.changes).toEqual([]);
		const dry = await prepareKeys(answers, env, {now: new Date(Date.now() + 720 * day)});
		expect(dry.caIsNew).toBe(false);
		expect(dry.changes).toHaveLength(3);
		expect(files(keysDir('compact', env))).toEqual(before);
		dry.save();
		const after = files(keysDir('compact', env));
		expect(after['ca.crt']).toEqual(before['ca.crt']);
		expect(after['hosts/node1.crt']!.content).toBe(dry.keys.hosts['node1']!.cert);
		expect(after['hosts/node1.crt']).not.toEqual(before['hosts/node1.crt']);
	});

	it('makes a first CA at the time it is given, so certificates issued then fall within it', async () => {
		const answers = example('compact');
		const later = new Date(Date.now() + 4000 * day);
		const {keys} = await prepareKeys(answers, env, {now: later});
		expect(readCertificate(keys.caCert).notAfter.getTime()).toBeGreaterThan(later.getTime() + 3000 * day);
		expect(await certificateProblems(keys.hosts['node1']!.cert, keys.caCert, certificateNames(answers, answers.hosts[0]!), 30, later)).toEqual([]);
	});

	it('uses the operator\'s CA from the answers and keeps no CA of its own', async ctx => {
		const own = await opensslCa(home, findTool('openssl'));
		if (!own) return skipOrFail(ctx, 'openssl is not installed here (apt-get install openssl)');
		const raw = exampleRaw('compact');
		raw['tls'] = {caCert: own.certFile, caKey: own.keyFile};
		const answers = answersFrom(raw);
		const {keys, changes} = await saved(answers);
		expect(keys.caCert).toBe(own.cert);
		expect(changes.some(c => c.startsWith('made the cluster CA'))).toBe(false);
		expect(readCertificate(keys.hosts['node1']!.cert).issuer).toBe('CN=Company Root CA');
		expect(await certificateProblems(keys.hosts['node1']!.cert, own.cert, certificateNames(answers, answers.hosts[0]!), 30)).toEqual([]);
		expect(existsSync(join(keysDir('compact', env), 'ca.key'))).toBe(false);
		expect(caCertPath(answers, env)).toBe(own.certFile);
	});

	it('refuses a tls.caKey it cannot read with a UserError naming tls.caKey', async () => {
		const own = await createCa('own');
		const certFile = join(home, 'own.pem');
		writeFileSync(certFile, own.cert);
		const raw = exampleRaw('compact');
		raw['tls'] = {caCert: certFile, caKey: join(home, 'missing.key')};
		const failure = prepareKeys(answersFrom(raw), env, {});
		await expect(failure).rejects.toBeInstanceOf(UserError);
		await expect(failure).rejects.toThrow(`tls.caKey ${join(home, 'missing.key')} cannot be read; check the path`);
	});
});

describe('writePrivateFile', () => {
	it('writes a file only its owner reads, making the directory 0700', () => {
		const path = join(home, 'deep', 'dir', 'secret.key');
		writePrivateFile(path, 'secret\n');
		expect(readFileSync(path, 'utf8')).toBe('secret\n');
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(statSync(join(home, 'deep', 'dir')).mode & 0o777).toBe(0o700);
		expect(readdirSync(join(home, 'deep', 'dir'))).toEqual(['secret.key']);
	});

	it('replaces a symbolic link at the path instead of writing through it', () => {
		const target = join(home, 'elsewhere.txt');
		writeFileSync(target, 'untouched\n');
		const path = join(home, 'keys', 'ca.key');
		mkdirSync(join(home, 'keys'));
		symlinkSync(target, path);
		writePrivateFile(path, 'the key\n');
		expect(readFileSync(target, 'utf8')).toBe('untouched\n');
		expect(lstatSync(path).isSymbolicLink()).toBe(false);
		expect(readFileSync(path, 'utf8')).toBe('the key\n');
	});

	it('refuses a directory that is a symbolic link', () => {
		mkdirSync(join(home, 'real'));
		symlinkSync(join(home, 'real'), join(home, 'linked'));
		expect(() => writePrivateFile(join(home, 'linked', 'ca.key'), 'x')).toThrow(UserError);
		expect(readdirSync(join(home, 'real'))).toEqual([]);
	});
});

describe('completeAnswers', () => {
	it('generates a strong HAProxy stats password when the answers have none, in the answers and in what is saved', () => {
		const raw = exampleRaw('compact') as AnswersInput;
		const answers = example('compact');
		const done = completeAnswers(answers, raw, env);
		const password = done.answers.passwords.haproxyStats!;
		expect(password.length).toBeGreaterThanOrEqual(24);
		expect(password).not.toContain("'");
		expect(done.raw.passwords.haproxyStats).toBe(password);
		// The schema accepts what it made.
		expect(answersFrom(done.raw).passwords.haproxyStats).toBe(password);
		expect(completeAnswers(answers, raw, env).answers.passwords.haproxyStats).not.toBe(password);
	});

	it('reuses the password saved with the cluster', () => {
		const raw = exampleRaw('compact') as AnswersInput;
		const first = completeAnswers(example('compact'), raw, env);
		saveCluster(first.raw, env);
		const secrets = JSON.parse(readFileSync(join(home, 'clusters', 'compact.secrets.json'), 'utf8')) as Record<string, string>;
		expect(secrets['PGHA_HAPROXY_STATS_PASSWORD']).toBe(first.answers.passwords.haproxyStats);
		const again = completeAnswers(example('compact'), raw, env);
		expect(again.answers.passwords.haproxyStats).toBe(first.answers.passwords.haproxyStats);
	});

	it('keeps a password the answers give, changing nothing', () => {
		const answers = {...example('compact'), passwords: {...example('compact').passwords, haproxyStats: strongEnv['PGHA_HAPROXY_STATS_PASSWORD']!}};
		const raw = exampleRaw('compact') as AnswersInput;
		expect(completeAnswers(answers, raw, env)).toEqual({answers, raw});
	});
});

import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadAnswersFile, validateAnswers} from '../../source/answers/load.js';
import {passwordWeakness} from '../../source/answers/schema.js';
import {labAnswers, labAnswersYaml, writeLabAnswers} from '../../source/lab/answers.js';
import {alphanumericSecret, generatePasswords, passwordWithSymbol} from '../../source/answers/passwords.js';
import {topologyHosts, topologyNames} from '../../source/lab/topology.js';
import {buildPlan} from '../../source/plan/plan.js';
import {labBundleName} from '../../source/lab/lab-bundle.js';

const key = '/var/lib/pgha/lab/ssh/id_ed25519';

// A deterministic stand-in for crypto.randomInt.
function seeded(seed = 1): (max: number) => number {
	let x = seed;
	return max => {
		x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
		// The high bits: an LCG's low bits repeat with a short period.
		return Math.floor((x / 2_147_483_648) * max);
	};
}

describe('lab passwords', () => {
	it('are strong by the answer file rules', () => {
		const passwords = generatePasswords();
		for (const name of ['superuser', 'replication', 'app', 'patroniApi', 'backupCipher'] as const)
			expect(passwordWeakness(passwords[name]), name).toBeUndefined();
	});

	it('have the documented shapes', () => {
		const passwords = generatePasswords(seeded(7));
		expect(passwords.superuser).toMatch(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/);
		expect(passwords.superuser).toHaveLength(25);
		expect(passwords.vrrp).toMatch(/^[A-Za-z0-9]{8}$/);
		expect(passwords.backupCipher.length).toBeGreaterThanOrEqual(40);
	});

	it('differ between calls', () => {
		expect(generatePasswords().superuser).not.toBe(generatePasswords().superuser);
	});

	it('mix lower case, upper case and digits even when the draw is unlucky', () => {
		let calls = 0;
		const fair = seeded(3);
		// Only 'A's for the first string, then a fair draw.
		const random = (max: number) => (calls++ < 8 ? 0 : fair(max));
		expect(alphanumericSecret(8, random)).toMatch(/(?=.*[a-z])(?=.*[A-Z])(?=.*\d)/);
	});

	it('never put the symbol first or last', () => {
		for (let seed = 1; seed < 200; seed++) expect(passwordWithSymbol(12, seeded(seed))).toMatch(/^[A-Za-z0-9].*[A-Za-z0-9]$/);
	});
});

describe('lab answers', () => {
	for (const topology of topologyNames) {
		it(`validate for the ${topology} topology`, () => {
			const answers = labAnswers(topology, topologyHosts(topology), key, generatePasswords());
			const result = validateAnswers(answers, {});
			expect(result.ok ? [] : result.problems).toEqual([]);
		});
	}

	it('for the large topology: 15 hosts of cluster lab-large, 5 etcd members that tolerate 2 failures, 7 PostgreSQL nodes, no warning', () => {
		const answers = labAnswers('large', topologyHosts('large'), key, generatePasswords(), {source: 'bundle', bundle: '/var/cache/pgha/bundles/lab.tar'});
		expect(answers.cluster).toEqual({name: 'lab-large', postgresVersion: 15});
		expect(answers.hosts).toEqual(topologyHosts('large'));
		const result = validateAnswers(answers, {});
		if (!result.ok) throw new Error(JSON.stringify(result.problems));
		const plan = buildPlan(result.answers);
		expect(plan.hosts).toHaveLength(15);
		expect(plan.quorum).toMatchObject({etcdMembers: 5, etcdToleratedFailures: 2, postgresNodes: 7});
		expect(plan.warnings).toEqual([]);
	});

	it('carry the lab network, key and cluster name', () => {
		const answers = labAnswers('compact', topologyHosts('compact'), key, generatePasswords());
		expect(answers.cluster).toEqual({name: 'lab-compact', postgresVersion: 15});
		expect(answers.ssh).toEqual({user: 'root', port: 22, identityFile: key});
		expect(answers.network).toEqual({vip: '10.131.0.56', prefix: 24, vrrpRouterId: 51, interface: 'eth0'});
		expect(answers.hosts).toEqual(topologyHosts('compact'));
	});

	it('leave out hosts added without a role', () => {
		const hosts = [...topologyHosts('seed'), {name: 'extra', ip: '10.131.0.10', roles: []}];
		const answers = labAnswers('seed', hosts, key, generatePasswords());
		expect(answers.hosts.map(h => h.name)).not.toContain('extra');
		expect(answers.cluster.name).toBe('lab');
	});

	it('say in the file that it holds passwords', () => {
		expect(labAnswersYaml(labAnswers('seed', topologyHosts('seed'), key, generatePasswords()))).toMatch(/^# .*\n# The passwords are in clear/);
	});
});

describe('writeLabAnswers', () => {
	let dir: string | undefined;
	afterEach(async () => {
		if (dir) await rm(dir, {recursive: true, force: true});
	});

	it('writes a 0600 file that loads back as valid answers', async () => {
		dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
		const file = join(dir, 'lab.yaml');
		await writeFile(file, 'old', {mode: 0o644});
		const answers = labAnswers('seed', topologyHosts('seed'), key, generatePasswords());
		await writeLabAnswers(file, answers);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		const loaded = await loadAnswersFile(file, {});
		expect(loaded.ok).toBe(true);
		if (loaded.ok) expect(loaded.answers.passwords).toEqual(answers.passwords);
		expect(await readFile(file, 'utf8')).not.toContain('old');
	});

	it('refuses answers that do not validate, writing nothing', async () => {
		dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
		const file = join(dir, 'bad.yaml');
		const answers = labAnswers('seed', topologyHosts('seed').slice(0, 2), key, generatePasswords());
		await expect(writeLabAnswers(file, answers)).rejects.toThrow(/do not validate/);
		await expect(stat(file)).rejects.toThrow();
	});
});

describe('the lab answers and its bundle', () => {
	it('a lab with a bundle writes answers that install from it, and they validate', () => {
		const answers = labAnswers('compact', topologyHosts('compact'), '/k', generatePasswords(), {source: 'bundle', bundle: '/var/cache/pgha/bundles/lab.tar'});
		expect(answers.packages).toEqual({source: 'bundle', bundle: '/var/cache/pgha/bundles/lab.tar'});
		expect(validateAnswers(answers, {}).ok).toBe(true);
	});

	it("the lab bundle's name follows the package list, the architecture and the archives", () => {
		const mirrors = {debian: 'http://deb.debian.org/debian/'};
		expect(labBundleName(mirrors, 'amd64')).toMatch(/^lab-bookworm-amd64-[0-9a-f]{12}\.tar$/);
		expect(labBundleName(mirrors, 'amd64')).toBe(labBundleName({...mirrors}, 'amd64'));
		expect(labBundleName(mirrors, 'arm64')).not.toBe(labBundleName(mirrors, 'amd64'));
		expect(labBundleName({debian: 'http://mirror.example/debian/'}, 'amd64')).not.toBe(labBundleName(mirrors, 'amd64'));
	});
});

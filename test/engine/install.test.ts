import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Answers, AnswersInput} from '../../source/answers/schema.js';
import {applyCluster} from '../../source/engine/install.js';
import {collectEvents} from '../../source/engine/runner.js';
import type {RunMode} from '../../source/engine/runner.js';
import {example, exampleRaw, passwordsOf, withStatsPassword} from '../answers/fixtures.js';
import {clusterKeys, keepKeys, testKeys} from '../keys/fixtures.js';
import {snapshot} from '../commands/saved-cluster.js';
import {createCa, issueCertificate} from '../../source/keys/certificates.js';
import {certificateNames} from '../../source/keys/cluster-keys.js';
import {trustedCaPaths} from '../../recipes/index.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {changedSteps, converge, drifts, failures, phasesThrough} from '../recipes/converge.js';

let answers: Answers;
let cluster: FakeCluster;
let home: string;

/** One repair run over the fake hosts, as `pgha repair` makes it (without its verify). */
async function repair(mode: RunMode) {
	const {events, sink} = collectEvents();
	const result = await applyCluster({answers, raw: exampleRaw('compact') as AnswersInput, emit: sink, env: {PGHA_HOME: home}, mode, skipUnreachable: true, verify: false, connect: cluster.connect});
	return {result, events};
}

/** Reports the drift in check mode, changing nothing; then puts back only that in apply mode. */
async function checkThenApply() {
	const before = cluster.serviceActions();
	const check = await repair('check');
	expect(failures(check.events)).toEqual([]);
	expect(cluster.serviceActions()).toEqual(before);
	const apply = await repair('apply');
	expect(failures(apply.events)).toEqual([]);
	expect(apply.result.ok).toBe(true);
	const after = await repair('check');
	expect(drifts(after.events)).toEqual([]);
	expect(cluster.unknown()).toEqual([]);
	return {check: {...check, drifts: drifts(check.events)}, apply: {...apply, changed: changedSteps(apply.events)}, before};
}

/** Service actions that differ from `before`, as "host unit: actions". */
function serviceChanges(before: ReturnType<FakeCluster['serviceActions']>): string[] {
	const now = cluster.serviceActions();
	return Object.entries(now).flatMap(([host, units]) => Object.entries(units).filter(([unit, actions]) => before[host]?.[unit] !== actions).map(([unit, actions]) => `${host} ${unit}: ${actions}`));
}

beforeEach(async () => {
	home = mkdtempSync(join(tmpdir(), 'pgha-repair-'));
	answers = withStatsPassword(example('compact'));
	// The keys the install left beside the saved cluster: repair reuses them, so they are not drift.
	await keepKeys(answers, {PGHA_HOME: home});
	cluster = FakeCluster.of(answers);
	const install = await converge(cluster, answers, phasesThrough(answers));
	expect(failures(install.events)).toEqual([]);
});

afterEach(() => rmSync(home, {recursive: true, force: true}));

describe('applyCluster as repair', () => {
	test('a converged cluster: check reports no drift and apply changes nothing', async () => {
		const {check, apply, before} = await checkThenApply();
		expect(check.result).toMatchObject({ok: true, changed: 0});
		expect(check.drifts).toEqual([]);
		expect(apply.result.changed).toBe(0);
		expect(serviceChanges(before)).toEqual([]);
	});

	test('a file edited by hand: the diff names the line; apply rewrites it and reloads PgBouncer there only', async () => {
		const ini = cluster.host('node2').files.get('/etc/pgbouncer/pgbouncer.ini')!;
		const line = ini.content.match(/^pool_mode = .*$/m)![0];
		ini.content = ini.content.replace(line, 'pool_mode = statement');
		const {check, apply, before} = await checkThenApply();
		expect(check.result.drifted).toBe(1);
		expect(check.drifts).toMatchObject([{host: 'node2', phase: 'prepare', step: 'file /etc/pgbouncer/pgbouncer.ini'}]);
		expect(check.drifts[0]!.detail).toEqual(expect.arrayContaining(['-pool_mode = statement', `+${line}`]));
		expect(apply.changed).toEqual(['node2: file /etc/pgbouncer/pgbouncer.ini', 'node2: service pgbouncer']);
		expect(cluster.host('node2').files.get('/etc/pgbouncer/pgbouncer.ini')?.content).toContain(line);
		expect(serviceChanges(before)).toEqual(['node2 pgbouncer: starts 1 restarts 0 reloads 1']);
	});

	test('a secret file edited by hand: drift without a diff or any secret; apply rewrites it', async () => {
		const userlist = cluster.host('node1').files.get('/etc/pgbouncer/userlist.txt')!;
		const rendered = userlist.content;
		userlist.content += '"intruder" "SCRAM-SHA-256$4096:c2FsdA==$a:b"\n';
		const {check, apply, before} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node1', step: 'file /etc/pgbouncer/userlist.txt'}]);
		const detail = check.drifts[0]!.detail.join('\n');
		expect(detail).toContain('holds secrets, so no diff is shown');
		expect(detail).not.toContain('intruder');
		for (const line of rendered.split('\n').filter(Boolean)) expect(detail).not.toContain(line);
		for (const password of passwordsOf(answers)) expect(JSON.stringify(check.events)).not.toContain(password);
		expect(apply.changed).toEqual(['node1: file /etc/pgbouncer/userlist.txt', 'node1: service pgbouncer']);
		expect(cluster.host('node1').files.get('/etc/pgbouncer/userlist.txt')?.content).toBe(rendered);
		expect(serviceChanges(before)).toEqual(['node1 pgbouncer: starts 1 restarts 0 reloads 1']);
	});

	test("a file's owner and mode changed: reported as such; apply restores them and reloads Patroni, never restarts it", async () => {
		const config = cluster.host('node2').files.get('/etc/patroni/config.yml')!;
		Object.assign(config, {owner: 'root', mode: 0o644});
		const {check, apply, before} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node2', phase: 'postgres-replicas', step: 'file /etc/patroni/config.yml'}]);
		expect(check.drifts[0]!.detail[0]).toBe('owner and mode are root:postgres:644, should be postgres:postgres:600');
		expect(apply.changed).toEqual(['node2: file /etc/patroni/config.yml', 'node2: service patroni']);
		expect(cluster.host('node2').files.get('/etc/patroni/config.yml')).toMatchObject({owner: 'postgres', group: 'postgres', mode: 0o600});
		expect(serviceChanges(before)).toEqual(['node2 patroni: starts 1 restarts 0 reloads 1']);
	});

	test('a stopped service: reported with its state; apply starts it and touches nothing else', async () => {
		cluster.host('node1').stop('haproxy');
		const {check, apply, before} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node1', phase: 'balancers', step: 'service haproxy', detail: ['haproxy is enabled, inactive']}]);
		expect(apply.changed).toEqual(['node1: service haproxy']);
		expect(serviceChanges(before)).toEqual(['node1 haproxy: starts 2 restarts 0 reloads 0']);
	});

	test('a removed package: "not installed: NAME"; apply installs it again', async () => {
		cluster.host('node2').remove('socat');
		const {check, apply, before} = await checkThenApply();
		expect(check.drifts).toHaveLength(1);
		expect(check.drifts[0]).toMatchObject({host: 'node2', phase: 'packages', detail: ['socat: not installed']});
		expect(check.drifts[0]!.step).toMatch(/^packages .*socat/);
		expect(apply.changed).toEqual([`node2: ${check.drifts[0]!.step}`]);
		expect(cluster.host('node2').packages.has('socat')).toBe(true);
		expect(serviceChanges(before)).toEqual([]);
	});

	test('a missing directory: reported missing; apply makes it with its owner and mode', async () => {
		cluster.host('node3').dirs.delete('/var/lib/pgbackrest');
		const {check, apply, before} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node3', phase: 'prepare', step: 'repository /var/lib/pgbackrest', detail: ['/var/lib/pgbackrest is missing, should be postgres:750']}]);
		expect(apply.changed).toEqual(['node3: repository /var/lib/pgbackrest']);
		expect(cluster.host('node3').dirs.get('/var/lib/pgbackrest')).toMatchObject({owner: 'postgres', mode: 0o750});
		expect(serviceChanges(before)).toEqual([]);
	});

	test("a directory's mode changed: reported with both; apply puts the mode back", async () => {
		cluster.host('node1').dirs.get('/data/patroni')!.mode = 0o755;
		const {check, apply} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node1', step: 'data directory /data/patroni', detail: ['/data/patroni is postgres:755, should be postgres:700']}]);
		expect(apply.changed).toEqual(['node1: data directory /data/patroni']);
		expect(cluster.host('node1').dirs.get('/data/patroni')?.mode).toBe(0o700);
	});
});

describe('applyCluster and the cluster keys', () => {
	test('a certificate from another CA on a host: drift says so without a diff of the key; apply puts the cluster one back and reloads PgBouncer', async () => {
		const cert = cluster.host('node2').files.get('/etc/pgbouncer/tls/pgbouncer.crt')!;
		const rendered = cert.content;
		cert.content = (await createCa('elsewhere')).cert;
		const {check, apply, before} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node2', phase: 'prepare', step: 'file /etc/pgbouncer/tls/pgbouncer.crt'}]);
		// Its problems, and no diff of the base64.
		expect(check.drifts[0]!.detail).toEqual([
			'the certificate /etc/pgbouncer/tls/pgbouncer.crt is self-signed, not signed by the cluster CA',
			'the certificate /etc/pgbouncer/tls/pgbouncer.crt does not name node2, localhost, 10.20.0.12, 10.20.0.100, 127.0.0.1 (it names nothing)',
		]);
		expect(apply.changed).toEqual(['node2: file /etc/pgbouncer/tls/pgbouncer.crt', 'node2: service pgbouncer']);
		expect(cluster.host('node2').files.get('/etc/pgbouncer/tls/pgbouncer.crt')?.content).toBe(rendered);
		expect(serviceChanges(before)).toEqual(['node2 pgbouncer: starts 1 restarts 0 reloads 1']);
	});

	test('another good certificate of the cluster CA on a host is named as such, without a diff; with its mode changed too, both are said', async () => {
		const {ca} = await testKeys(answers);
		const cert = cluster.host('node3').files.get('/etc/patroni/tls/server.crt')!;
		const rendered = cert.content;
		cert.content = (await issueCertificate(ca, 'node3', certificateNames(answers, answers.hosts[2]!), 700)).cert;
		let {check, apply} = await checkThenApply();
		expect(check.drifts).toMatchObject([{host: 'node3', step: 'file /etc/patroni/tls/server.crt', detail: ["/etc/patroni/tls/server.crt is another certificate than the cluster's own"]}]);
		expect(apply.changed).toEqual(['node3: file /etc/patroni/tls/server.crt', 'node3: service patroni']);
		expect(cluster.host('node3').files.get('/etc/patroni/tls/server.crt')?.content).toBe(rendered);
		const replaced = cluster.host('node3').files.get('/etc/patroni/tls/server.crt')!;
		replaced.content = (await issueCertificate(ca, 'node3', certificateNames(answers, answers.hosts[2]!), 700)).cert;
		replaced.mode = 0o600;
		({check, apply} = await checkThenApply());
		expect(check.drifts[0]!.detail).toEqual(['owner and mode are postgres:postgres:600, should be postgres:postgres:644', "/etc/patroni/tls/server.crt is another certificate than the cluster's own"]);
		expect(cluster.host('node3').files.get('/etc/patroni/tls/server.crt')).toMatchObject({content: rendered, mode: 0o644});
	});

	/** What PGHA_HOME keeps of the cluster (run logs left out). */
	const saved = () => Object.fromEntries(Object.entries(snapshot(home)).filter(([path]) => path.startsWith('/clusters/')));

	test('a check run reuses the kept keys and writes nothing of the cluster under PGHA_HOME', async () => {
		const kept = saved();
		expect(Object.keys(kept)).toEqual(expect.arrayContaining(['/clusters/compact.keys/ca.crt', '/clusters/compact.keys/hosts/node1.key']));
		const {result, events} = await repair('check');
		expect(result.ok).toBe(true);
		expect(drifts(events)).toEqual([]);
		expect(saved()).toEqual(kept);
	});

	/** Removes every CA file a service trusts from a host, as on a host pgha never installed. */
	const forgetCa = (host: string) => {
		for (const path of trustedCaPaths) cluster.host(host).files.delete(path);
	};

	test('without kept keys, on hosts that trust no CA yet, a check run makes new ones in memory only: the certificates drift and nothing of the cluster is written', async () => {
		rmSync(join(home, 'clusters'), {recursive: true, force: true});
		for (const host of answers.hosts) forgetCa(host.name);
		const {result, events} = await repair('check');
		expect(failures(events)).toEqual([]);
		expect(result.ok).toBe(true);
		const certificates = drifts(events).filter(d => /\.crt$|stats\.pem$/.test(d.step));
		expect(certificates.map(d => `${d.host}: ${d.step}`)).toEqual(expect.arrayContaining(['node1: file /etc/etcd/tls/ca.crt', 'node3: file /etc/patroni/tls/server.crt', 'node1: file /etc/haproxy/tls/stats.pem']));
		expect(certificates.find(d => d.step === 'file /etc/patroni/tls/server.crt')!.detail[0]).toMatch(/^the certificate \/etc\/patroni\/tls\/server\.crt was not signed by the cluster CA/);
		expect(saved()).toEqual({});
	});

	test('a host that already trusts another CA and no kept keys: check and apply are refused, naming the host and the keys directory, and nothing is written but the run log', async () => {
		rmSync(join(home, 'clusters'), {recursive: true, force: true});
		// Only node2 still holds the CA the cluster was installed with.
		forgetCa('node1');
		forgetCa('node3');
		const files = () => Object.fromEntries([...cluster.hosts].map(([name, host]) => [name, JSON.stringify([...host.files])]));
		const before = {files: files(), services: cluster.serviceActions()};
		for (const mode of ['check', 'apply'] as const) {
			const {result, events} = await repair(mode);
			expect(result).toMatchObject({ok: false, changed: 0, failed: {host: 'pgha', phase: 'preflight', step: 'cluster CA'}});
			const failed = events.filter(e => e.type === 'step-failed');
			expect(failed).toHaveLength(1);
			expect(failed[0]).toMatchObject({host: 'pgha', step: 'cluster CA'});
			const error = (failed[0] as {error: string}).error;
			expect(error).toMatch(/^node2 already trusts a cluster CA that this machine does not hold; nothing was changed\. /);
			expect(error).toContain(`Copy ${join(home, 'clusters', 'compact.keys')} from the machine that installed the cluster`);
			expect(error).toContain('tls.caCert and tls.caKey');
			expect(events.some(e => e.type === 'step-started' || e.type === 'step-finished')).toBe(false);
		}
		expect(files()).toEqual(before.files);
		expect(cluster.serviceActions()).toEqual(before.services);
		expect(Object.keys(snapshot(home)).filter(path => !path.startsWith('/logs/'))).toEqual([]);
		expect(cluster.unknown()).toEqual([]);
	});

	test('every host trusting another CA is named', async () => {
		rmSync(join(home, 'clusters'), {recursive: true, force: true});
		const {result, events} = await repair('check');
		expect(result.failed).toMatchObject({step: 'cluster CA'});
		const failed = events.find(e => e.type === 'step-failed') as {error: string};
		expect(failed.error).toMatch(/^node1, node2, node3 already trust a cluster CA that this machine does not hold/);
	});

	test('with the kept keys, the same hosts are the cluster\'s own: the run goes on and puts back the CA files that were removed', async () => {
		forgetCa('node1');
		forgetCa('node3');
		const {check, apply} = await checkThenApply();
		expect(check.result.ok).toBe(true);
		expect(check.drifts.map(d => `${d.host}: ${d.step}`)).toEqual(expect.arrayContaining(['node1: file /etc/etcd/tls/ca.crt', 'node3: file /etc/pgbouncer/tls/ca.crt']));
		expect(check.drifts.every(d => d.host !== 'node2')).toBe(true);
		expect(apply.changed).toEqual(expect.arrayContaining(['node1: file /etc/haproxy/tls/ca.crt', 'node3: file /etc/patroni/tls/ca.crt']));
		const {caCert} = await clusterKeys(answers);
		for (const path of trustedCaPaths) expect(cluster.host('node1').files.get(path)?.content, path).toBe(caCert);
		// node3 is no balancer: it has no HAProxy CA file.
		for (const path of trustedCaPaths) expect(cluster.host('node3').files.get(path)?.content, path).toBe(path.startsWith('/etc/haproxy/') ? undefined : caCert);
	});
});

import {beforeEach, describe, expect, test} from 'vitest';
import type {Answers} from '../../source/answers/schema.js';
import {observeCluster} from '../../source/health/observe.js';
import {judgeCluster} from '../../source/health/judge.js';
import {formatStatus} from '../../source/health/format.js';
import {issueCertificate, readCertificate} from '../../source/keys/certificates.js';
import {certificateNames} from '../../source/keys/cluster-keys.js';
import {example, withStatsPassword} from '../answers/fixtures.js';
import {testKeys} from '../keys/fixtures.js';
import {FakeCluster} from '../recipes/fake-cluster.js';
import {converge, failures, phasesThrough} from '../recipes/converge.js';

const day = 24 * 60 * 60 * 1000;
const judgement = 'certificates valid for 30 days or more';

let answers: Answers;
let cluster: FakeCluster;

beforeEach(async () => {
	answers = withStatsPassword(example('compact'));
	cluster = FakeCluster.of(answers);
	const install = await converge(cluster, answers, phasesThrough(answers));
	expect(failures(install.events)).toEqual([]);
});

/** The certificate finding of the cluster as it is now. */
async function certificates(connections = cluster.connections()) {
	const status = await observeCluster(answers, connections);
	return {status, finding: judgeCluster(answers, status).find(f => f.name === judgement)!};
}

describe('the certificates the services serve', () => {
	test('each host is read by its roles, HAProxy\'s PEM by its certificate block; a healthy cluster passes every judgement', async () => {
		const {keys} = await testKeys(answers);
		const status = await observeCluster(answers, cluster.connections());
		const expiry = (host: string) => readCertificate(keys.hosts[host]!.cert).notAfter.toISOString();
		const served = (host: string, paths: string[]) => paths.map(path => ({host, path, notAfter: expiry(host)}));
		const postgres = ['/etc/etcd/tls/etcd.crt', '/etc/patroni/tls/server.crt', '/etc/pgbouncer/tls/pgbouncer.crt'];
		expect(status.certificates).toEqual([
			...served('node1', [...postgres, '/etc/haproxy/tls/stats.pem']),
			...served('node2', [...postgres, '/etc/haproxy/tls/stats.pem']),
			...served('node3', postgres),
		]);
		// stats.pem holds the key after the certificate: only the certificate was read off the host.
		expect(cluster.host('node1').files.get('/etc/haproxy/tls/stats.pem')!.content).toContain('PRIVATE KEY');
		const findings = judgeCluster(answers, status);
		expect(findings.filter(f => !f.ok)).toEqual([]);
		expect(findings.map(f => f.name)).toContain(judgement);
		const earliest = status.certificates.map(c => c.notAfter!).sort()[0]!;
		expect(findings.find(f => f.name === judgement)!.evidence).toMatch(new RegExp(`^earliest expiry ${earliest.slice(0, 10)} \\((729|730) days, node\\d /etc/`));
		expect(formatStatus(status, findings)).toContain(`\ncertificates (11): earliest expiry ${earliest.slice(0, 10)}\n`);
		expect(cluster.unknown()).toEqual([]);
	});

	test('a certificate that expires in 10 days fails the judgement, naming the host, the file and the date', async () => {
		const {ca} = await testKeys(answers);
		const short = await issueCertificate(ca, 'node2', certificateNames(answers, answers.hosts[1]!), 10);
		cluster.host('node2').files.get('/etc/pgbouncer/tls/pgbouncer.crt')!.content = short.cert;
		const {finding} = await certificates();
		const date = new Date(Date.now() + 10 * day).toISOString().slice(0, 10);
		expect(finding.ok).toBe(false);
		expect(finding.evidence).toMatch(new RegExp(`^node2: /etc/pgbouncer/tls/pgbouncer\\.crt expires ${date}; earliest expiry ${date} \\((9|10) days, node2 /etc/pgbouncer/tls/pgbouncer\\.crt\\)$`));
	});

	test('a file that is missing or holds no certificate fails the judgement, named; the others are still read', async () => {
		cluster.host('node1').files.delete('/etc/patroni/tls/server.crt');
		cluster.host('node2').files.get('/etc/haproxy/tls/stats.pem')!.content = 'not a certificate\n';
		const {status, finding} = await certificates();
		expect(status.certificates.filter(c => !c.notAfter)).toEqual([
			{host: 'node1', path: '/etc/patroni/tls/server.crt'},
			{host: 'node2', path: '/etc/haproxy/tls/stats.pem'},
		]);
		expect(status.certificates.filter(c => c.notAfter)).toHaveLength(9);
		expect(finding.ok).toBe(false);
		expect(finding.evidence).toMatch(
			/^node1: \/etc\/patroni\/tls\/server\.crt is missing or not a certificate; node2: \/etc\/haproxy\/tls\/stats\.pem is missing or not a certificate; earliest expiry /,
		);
	});

	test('a host that does not answer is left out, not counted unreadable', async () => {
		const connections = cluster.connections();
		connections.delete('node3');
		const {status, finding} = await certificates(connections);
		expect(status.certificates.map(c => c.host)).not.toContain('node3');
		expect(status.certificates).toHaveLength(8);
		expect(finding.ok).toBe(true);
	});
});

describe('a synchronous cluster', () => {
	test('its synchronous standby is a replica to every judgement, and the standby is found', async () => {
		const sync: Answers = {...answers, ha: {durability: 'synchronous', rto: 'normal'}};
		const install = await converge(cluster, sync, phasesThrough(sync));
		expect(failures(install.events)).toEqual([]);
		const status = await observeCluster(sync, cluster.connections());
		expect(status.postgres.map(m => [m.member, m.role])).toEqual([
			['node1', 'Leader'],
			['node2', 'Sync Standby'],
			['node3', 'Replica'],
		]);
		const findings = judgeCluster(sync, status);
		expect(findings.filter(f => !f.ok)).toEqual([]);
		expect(findings.find(f => f.name === 'Patroni: a synchronous standby confirms each commit')?.evidence).toBe('node2 (streaming) is the synchronous standby');
		expect(formatStatus(status, findings)).toMatch(/node2\s+Sync Standby\s+streaming/);
	});
});

describe('the restore drill', () => {
	const drillJudgement = 'backup restore drill passed recently';
	const result = {at: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'), ok: true, durationSeconds: 200, restoreSeconds: 120, backup: '20261122-010000F', problems: [], checks: [], tables: []};

	test('a freshly installed cluster has no drill yet, and that holds: its schedule is new', async () => {
		const status = await observeCluster(answers, cluster.connections());
		expect(status.restoreDrill).toBeUndefined();
		expect(Date.now() - Date.parse(status.schedule!.writtenAt!)).toBeLessThan(60_000);
		expect(judgeCluster(answers, status).find(f => f.name === drillJudgement)).toMatchObject({ok: true, evidence: expect.stringMatching(/^no drill yet: /)});
		expect(cluster.unknown()).toEqual([]);
	});

	test("the repository's last.json is read into the status, and one that is no drill result is ignored", async () => {
		const repo = cluster.host('node3');
		repo.files.set('/var/lib/pgha/backup-verify/last.json', {content: JSON.stringify(result), owner: 'root', group: 'root', mode: 0o644});
		const status = await observeCluster(answers, cluster.connections());
		expect(status.restoreDrill).toEqual({at: result.at, ok: true, durationSeconds: 200, restoreSeconds: 120, problems: []});
		expect(judgeCluster(answers, status).find(f => f.name === drillJudgement)).toMatchObject({ok: true, evidence: expect.stringMatching(/^passed .* \(60 min ago\): restore and replay 120 s, 200 s in all$/)});
		expect(formatStatus(status)).toMatch(/\n {2}restore drill {2}passed .* \(1\.0 h ago\), restore and replay 120 s, 200 s in all\n/);
		repo.files.get('/var/lib/pgha/backup-verify/last.json')!.content = '{"at": "half written';
		expect((await observeCluster(answers, cluster.connections())).restoreDrill).toBeUndefined();
	});
});

import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';
import {clusterKeys} from '../../keys/fixtures.js';
import {example} from '../../answers/fixtures.js';
import {etcdSteps} from '../../../recipes/etcd/steps.js';
import {etcdVersionScript} from '../../../recipes/etcd/probes.js';
import type {HostRun, StepContext} from '../../../recipes/kit/step.js';

describe('etcd steps', () => {
	test('write the config, make the data directory, start every member once, then change nothing', async () => {
		const {firstChanged, cluster, answers} = await provesIdempotent('etcd');
		const keys = await clusterKeys(answers);
		for (const host of ['node1', 'node2', 'node3']) {
			expect(firstChanged).toEqual(
				expect.arrayContaining([
					`${host}: file /etc/etcd/tls/ca.crt`,
					`${host}: file /etc/etcd/tls/etcd.crt`,
					`${host}: file /etc/etcd/tls/etcd.key`,
					`${host}: file /etc/default/etcd`,
					`${host}: file /etc/profile.d/pgha-etcd.sh`,
					`${host}: data directory /var/lib/etcd`,
					`${host}: service etcd`,
				]),
			);
			// The host's own pair, readable by etcd alone where it is the key.
			const files = cluster.host(host).files;
			expect(files.get('/etc/etcd/tls/ca.crt')).toMatchObject({content: keys.caCert, owner: 'etcd', mode: 0o644});
			expect(files.get('/etc/etcd/tls/etcd.crt')).toMatchObject({content: keys.hosts[host]!.cert, owner: 'etcd', mode: 0o644});
			expect(files.get('/etc/etcd/tls/etcd.key')).toMatchObject({content: keys.hosts[host]!.key, owner: 'etcd', group: 'etcd', mode: 0o600});
			expect(cluster.host(host).unit('etcd')).toMatchObject({enabled: true, active: true, starts: 1, restarts: 0});
			expect(cluster.host(host).dirs.get('/var/lib/etcd')).toMatchObject({owner: 'etcd', mode: 0o700});
		}
		expect([...cluster.etcdJoined].sort()).toEqual(['node1', 'node2', 'node3']);
	});
});

describe('etcd cluster formed: the cluster version decided before Patroni meets it', () => {
	const answers = example('compact');
	const host = answers.hosts.find(h => h.roles.includes('etcd'))!;
	/** A member that is healthy, lists the answers' members, and reports `version` on /version (or cannot say); counts the version probes. */
	const member = (version: {code: number; stdout: string}) => {
		const names = answers.hosts.filter(h => h.roles.includes('etcd')).map((h, i) => `${i + 1}, started, ${h.name}, https://${h.ip}:2380, https://${h.ip}:2379, false`);
		const asked = {version: 0};
		const run: HostRun = async script => {
			if (script === etcdVersionScript(host.ip)) {
				asked.version++;
				return {...version, stderr: ''};
			}
			if (script.includes(' member list ')) return {code: 0, stdout: `${names.join('\n')}\n`, stderr: ''};
			return {code: 0, stdout: '', stderr: ''};
		};
		const ctx = {run, conn: {readFile: async () => undefined}, touched: new Map(), touch() {}} as unknown as StepContext;
		const steps = etcdSteps(host, answers, []);
		return {ctx, asked, service: steps.find(s => s.name === 'service etcd')!, formed: steps.find(s => s.name === 'etcd cluster formed')!};
	};
	const justFormed = {code: 0, stdout: '{"etcdserver":"3.4.23","etcdcluster":"3.0.0"}\n'};

	test('a member this run started: a cluster that still says 3.0.0 (until its leader decides) is not formed yet', async () => {
		const {ctx, service, formed} = member(justFormed);
		await service.apply(ctx);
		expect(await formed.check!(ctx)).toBe(false);
	});

	test('a member this run started: formed once the version is decided, or when the host cannot say (no openssl)', async () => {
		for (const version of [{code: 0, stdout: '{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}\n'}, {code: 3, stdout: ''}]) {
			const {ctx, service, formed} = member(version);
			await service.apply(ctx);
			expect(await formed.check!(ctx)).toBe(true);
		}
	});

	test('a re-run that started nothing does not ask', async () => {
		const {ctx, asked, formed} = member(justFormed);
		expect(await formed.check!(ctx)).toBe(true);
		expect(asked.version).toBe(0);
	});

	test('the version is asked over TLS with the member certificate, never in the clear', () => {
		expect(etcdVersionScript(host.ip)).toContain(`openssl s_client -quiet -verify_quiet -connect ${host.ip}:2379 -CAfile /etc/etcd/tls/ca.crt -cert /etc/etcd/tls/etcd.crt -key /etc/etcd/tls/etcd.key`);
	});
});

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import type {Plan} from '../../source/plan/plan.js';
import {exampleRaw, nastyEnv, root, strongEnv} from '../answers/fixtures.js';
import {ensureBuilt, runCli} from './cli.js';

let dir: string;
beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'pgha-plan-'));
	await ensureBuilt();
}, 180_000);
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('pgha plan (built CLI)', () => {
	for (const name of ['seed-topology', 'compact']) {
		it(`prints the plan of examples/${name}.yaml without a secret`, async () => {
			for (const env of [strongEnv, nastyEnv]) {
				const result = await runCli(['plan', '--answers', `${root}examples/${name}.yaml`], env);
				expect(result.stderr).toBe('');
				expect(result.code).toBe(0);
				expect(result.stdout).toMatch(/^Plan for cluster "/);
				expect(result.stdout).toContain('Phases');
				expect(result.stdout).toContain(':5000/aplicacion');
				for (const secret of Object.values(env)) expect(result.stdout).not.toContain(secret);
				expect(result.stdout).not.toContain('SCRAM-SHA-256$');
			}
		});

		it(`prints the plan of examples/${name}.yaml as JSON without a secret`, async () => {
			const result = await runCli(['plan', '--answers', `${root}examples/${name}.yaml`, '--json'], nastyEnv);
			expect(result.code).toBe(0);
			const plan = JSON.parse(result.stdout) as Plan;
			expect(plan.phases.map(p => p.name)).toEqual(['preflight', 'packages', 'prepare', 'etcd', 'postgres-leader', 'postgres-replicas', 'backup', 'pgbouncer', 'balancers', 'restart', 'verify']);
			expect(plan.quorum.etcdMembers).toBe(3);
			expect(plan.failover).toMatchObject({mode: 'async', rto: 'normal', expectedWorstCaseSeconds: 40, patroni: {ttl: 30, loopWait: 10, retryTimeout: 10}});
			for (const secret of Object.values(nastyEnv)) expect(result.stdout).not.toContain(JSON.stringify(secret).slice(1, -1));
			for (const secret of Object.values(nastyEnv)) expect(result.stdout).not.toContain(secret);
		});
	}

	it('exits 2 naming the problem when the answers are invalid', async () => {
		const raw = exampleRaw('compact');
		raw['network'] = {...(raw['network'] as object), vrrpRouterId: 300};
		const file = join(dir, 'bad.yaml');
		writeFileSync(file, YAML.stringify(raw));
		const result = await runCli(['plan', '--answers', file], strongEnv);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('network.vrrpRouterId');
		expect(result.stderr).not.toMatch(/^\s+at /m);
	});

	it('exits 2 and says which flag is missing', async () => {
		const result = await runCli(['plan']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/--answers FILE/);
	});
});

import {join} from 'node:path';
import {describe, expect, test, vi} from 'vitest';
import type {Flags} from '../../source/commands/context.js';
import {status} from '../../source/commands/status.js';
import {root, strongEnv} from '../answers/fixtures.js';
import {captureIo, noFlags} from './io.js';

const secret = strongEnv['PGHA_REPLICATION_PASSWORD']!;

// A host that reports a config line holding a password, as `status --json` would print it.
vi.mock('../../source/engine/connect.js', () => ({connectSome: async () => ({connections: new Map(), unreachable: new Map()})}));
vi.mock('../../source/health/observe.js', () => ({observeCluster: async () => ({members: [{note: `primary_conninfo password=${secret}`}]})}));
vi.mock('../../source/health/judge.js', () => ({judgeCluster: () => [{name: 'replication', ok: false, evidence: `saw ${secret}`}]}));

describe('pgha status', () => {
	test('--json prints what the hosts report with the secrets redacted', async () => {
		const io = captureIo({...strongEnv, PGHA_HOME: join(root, 'no-such-home')});
		const flags: Flags = {...noFlags, json: true, answers: join(root, 'examples/compact.yaml')};
		expect(await status([], flags, io)).toBe(0);
		expect(io.stdout()).toContain('primary_conninfo password=***');
		expect(io.stdout()).toContain('saw ***');
		expect(io.stdout()).not.toContain(secret);
	});

	test('says where packages come from and how many versions are pinned', async () => {
		const io = captureIo({...strongEnv, PGHA_HOME: join(root, 'no-such-home')});
		const flags: Flags = {...noFlags, json: true, answers: join(root, 'examples/seed-topology.yaml')};
		expect(await status([], flags, io)).toBe(0);
		expect(JSON.parse(io.stdout()).packages).toEqual({source: 'mirror', pinned: {}});
	});
});

import {join} from 'node:path';
import {describe, expect, test, vi} from 'vitest';
import type {Flags} from '../../source/commands/context.js';
import type {Connector} from '../../source/engine/connect.js';
import type {Finding} from '../../source/health/judge.js';
import {verify} from '../../source/commands/verify.js';
import {root, strongEnv} from '../answers/fixtures.js';
import {captureIo, noFlags} from './io.js';

// The checks quote what the hosts said; here they quote the superuser password back.
vi.mock('../../source/health/verify.js', () => ({
	verifyCluster: async (answers: {passwords: {superuser: string}}, _connections: unknown, report: (finding: Finding) => void) => {
		report({name: 'write through the VIP', ok: false, evidence: `psql: password "${answers.passwords.superuser}" refused`});
		return false;
	},
}));

// Hosts that answer and do nothing: the checks above never use them.
const idleHosts: Connector = async () => ({close() {}}) as never;

describe('pgha verify', () => {
	test('prints check evidence with the secrets redacted', async () => {
		const io = {...captureIo({...strongEnv, PGHA_HOME: join(root, 'no-such-home')}), connect: idleHosts};
		const flags: Flags = {...noFlags, answers: join(root, 'examples/compact.yaml')};
		const code = await verify([], flags, io);
		expect(code).toBe(1);
		expect(io.stdout()).toContain('psql: password "***" refused');
		expect(io.stdout()).not.toContain(strongEnv['PGHA_SUPERUSER_PASSWORD']);
	});
});

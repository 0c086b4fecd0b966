import {join} from 'node:path';
import {describe, expect, test, vi} from 'vitest';
import type {EventSink} from '../../source/app/events.js';
import type {Flags} from '../../source/commands/context.js';
import {verify} from '../../source/commands/verify.js';
import {root, strongEnv} from '../answers/fixtures.js';
import {captureIo, noFlags} from './io.js';

// The checks quote what the hosts said; here they quote the superuser password back.
vi.mock('../../source/engine/install.js', () => ({
	verifyOnly: async (answers: {passwords: {superuser: string}}, emit: EventSink) => {
		emit({type: 'check', name: 'write through the VIP', ok: false, evidence: `psql: password "${answers.passwords.superuser}" refused`, at: Date.now()});
		return false;
	},
}));

describe('pgha verify', () => {
	test('prints check evidence with the secrets redacted', async () => {
		const io = captureIo({...strongEnv, PGHA_HOME: join(root, 'no-such-home')});
		const flags: Flags = {...noFlags, answers: join(root, 'examples/compact.yaml')};
		const code = await verify([], flags, io);
		expect(code).toBe(1);
		expect(io.stdout()).toContain('psql: password "***" refused');
		expect(io.stdout()).not.toContain(strongEnv['PGHA_SUPERUSER_PASSWORD']);
	});
});

import {describe, expect, it} from 'vitest';
import {describeTarget, parseTarget, targetFromKey, targetKey} from '../../source/restore/target.js';

describe('parseTarget', () => {
	it('reads a time in UTC when no zone is given, and honours a zone when one is', () => {
		expect(parseTarget('2026-12-01 05:10:00')).toEqual({ok: true, target: {kind: 'time', at: new Date('2026-12-01T05:10:00Z')}});
		expect(parseTarget('2026-12-01T05:10:00.250Z')).toEqual({ok: true, target: {kind: 'time', at: new Date('2026-12-01T05:10:00.250Z')}});
		expect(parseTarget('2026-12-01 06:10:00+01')).toEqual({ok: true, target: {kind: 'time', at: new Date('2026-12-01T05:10:00Z')}});
		expect(parseTarget('2026-12-01 06:40+0130')).toEqual({ok: true, target: {kind: 'time', at: new Date('2026-12-01T05:10:00Z')}});
	});

	it('reads latest, an LSN and a backup label', () => {
		expect(parseTarget('latest')).toEqual({ok: true, target: {kind: 'latest'}});
		expect(parseTarget('0/5000028')).toEqual({ok: true, target: {kind: 'lsn', lsn: '0/5000028'}});
		expect(parseTarget('20261201-045224F')).toEqual({ok: true, target: {kind: 'backup', label: '20261201-045224F'}});
		expect(parseTarget('20261201-045224F_20261201-050000D')).toEqual({ok: true, target: {kind: 'backup', label: '20261201-045224F_20261201-050000D'}});
	});

	it('refuses anything else, saying the forms it takes', () => {
		for (const bad of ['', 'yesterday', '2026-13-45 99:00', '0/XYZ', '20261201F']) {
			const parsed = parseTarget(bad);
			expect(parsed.ok, bad).toBe(false);
			if (!parsed.ok) expect(parsed.problem).toMatch(/latest/);
		}
	});

	it('round-trips through the journal key', () => {
		for (const text of ['2026-12-01 05:10:00.5Z', 'latest', '0/5000028', '20261201-045224F']) {
			const parsed = parseTarget(text);
			if (!parsed.ok) throw new Error(parsed.problem);
			expect(targetFromKey(targetKey(parsed.target))).toEqual(parsed.target);
		}
		expect(describeTarget({kind: 'time', at: new Date('2026-12-01T05:10:00.5Z')})).toBe('2026-12-01 05:10:00.500+00 (a point in time)');
	});
});

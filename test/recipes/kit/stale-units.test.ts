import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {parseStaleUnits, staleUnitsScript} from '../../../recipes/kit/stale-units.js';

describe('stale units', () => {
	test('the script is valid shell, asks only about units that run from packages, and quotes them', () => {
		const script = staleUnitsScript([
			{unit: 'patroni', runsFrom: ['patroni', 'python3-psycopg2']},
			{unit: 'cron', runsFrom: []},
		]);
		execFileSync('bash', ['-n', '-c', script]);
		expect(script).toMatch(/^stale '?patroni'? '?patroni'? '?python3-psycopg2'?$/m);
		expect(script).not.toMatch(/^stale '?cron'?/m);
	});

	test('its output reads as each unit with the packages newer than it', () => {
		expect(parseStaleUnits('patroni patroni\npatroni python3-etcd\nhaproxy haproxy\n\n')).toEqual(
			new Map([
				['patroni', ['patroni', 'python3-etcd']],
				['haproxy', ['haproxy']],
			]),
		);
		expect(parseStaleUnits('')).toEqual(new Map());
	});
});

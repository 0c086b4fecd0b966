import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import type {EngineEvent} from '../../source/app/events.js';
import {secretValues} from '../../source/answers/secrets.js';
import {RunLog, loggedSink, redactValue, redactedSink, redactor} from '../../source/engine/run-log.js';

test('redactor hides every secret, longest first', () => {
	const redact = redactor(['abc', 'abcdef']);
	expect(redact('x abcdef y abc z')).toBe('x *** y *** z');
});

test('the run log is 0600 and holds no secret', async () => {
	const home = mkdtempSync(join(tmpdir(), 'pgha-log-'));
	const log = new RunLog('c1', ['S3cret-value!'], {PGHA_HOME: home});
	log.write({type: 'output', host: 'h1', stream: 'stdout', line: 'password is S3cret-value!', at: Date.now()});
	await log.close();
	expect(statSync(log.path).mode & 0o777).toBe(0o600);
	const text = readFileSync(log.path, 'utf8');
	expect(text).toContain('h1: | password is ***');
	expect(text).not.toContain('S3cret-value!');
});

describe('secrets JSON would escape', () => {
	// Each one changes when written as JSON: a quote, a backslash, both, a tab-like sequence.
	const secrets = [`Pa"ss-word-1`, `Pa\\ss-word-2`, `a"b\\c-Q9-xyz`, `x\\"y\\\\z-Q9-ab`];

	test.each(secrets)('loggedSink hides %j in the caller\'s events and in the log', async secret => {
		const home = mkdtempSync(join(tmpdir(), 'pgha-log-'));
		const seen: EngineEvent[] = [];
		const {emit, log} = loggedSink('c1', secrets, {PGHA_HOME: home}, event => seen.push(event));
		emit({type: 'output', host: 'h1', stream: 'stdout', line: `password=${secret} done`, at: Date.now()});
		emit({type: 'step-failed', host: 'h1', phase: 'preflight', step: 'connect', error: `bad ${secret}`, output: [`line ${secret}`], at: Date.now()});
		await log.close();
		const text = readFileSync(log.path, 'utf8');
		for (const out of [JSON.stringify(seen), text]) {
			expect(out).not.toContain(secret);
			expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
		}
		expect(seen[0]).toMatchObject({line: 'password=*** done'});
		expect(seen[1]).toMatchObject({error: 'bad ***', output: ['line ***']});
	});
});

describe('redactValue', () => {
	test('redacts every string, nested, and leaves other values alone', () => {
		const redact = redactor(['s3cr']);
		expect(redactValue({a: 's3cr', b: [1, 'x s3cr', {c: 's3cr!'}], d: null, e: true, s3cr: 2}, redact)).toEqual({a: '***', b: [1, 'x ***', {c: '***!'}], d: null, e: true, '***': 2});
	});
});

test('redactedSink hands on events with the secrets hidden', () => {
	const seen: EngineEvent[] = [];
	const sink = redactedSink([`q"\\-pass`], event => seen.push(event));
	sink({type: 'check', name: 'write', ok: false, evidence: `psql: password q"\\-pass refused`, at: 1});
	expect(seen).toEqual([{type: 'check', name: 'write', ok: false, evidence: 'psql: password *** refused', at: 1}]);
});

test('secretValues returns every secret the schema allows, however short', () => {
	const values = secretValues({passwords: {vrrp: 'abc123', superuser: 'Long-Password-1'}, ssh: {password: 'abcd', sudoPassword: 'wxyz'}});
	expect(values).toEqual(['abc123', 'Long-Password-1', 'abcd', 'wxyz']);
});

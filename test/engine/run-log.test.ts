import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import {RunLog, redactor} from '../../source/engine/run-log.js';

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

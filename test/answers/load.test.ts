import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {loadAnswersFile, parseAnswersText, validateAnswers} from '../../source/answers/load.js';
import {exampleRaw, root, strongEnv} from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pgha-load-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('parseAnswersText', () => {
	it('reports YAML errors with their line', () => {
		const result = parseAnswersText('version: 1\ncluster: {name: x\nhosts: []\n');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems[0]!.path).toMatch(/^line \d+$/);
	});

	it('refuses duplicate keys and documents that are not mappings', () => {
		expect(parseAnswersText('version: 1\nversion: 1\n').ok).toBe(false);
		const list = parseAnswersText('- 1\n- 2\n');
		expect(list.ok).toBe(false);
		if (!list.ok) expect(list.problems[0]!.message).toMatch(/must be a mapping/);
	});

	it('reads JSON too', () => {
		expect(parseAnswersText(JSON.stringify(exampleRaw('compact'))).ok).toBe(true);
	});
});

describe('validateAnswers', () => {
	it('resolves ${VAR} references from the environment', () => {
		const result = validateAnswers(exampleRaw('compact'), strongEnv);
		expect(result.ok).toBe(true);
		if (result.ok) expect(result.answers.passwords.superuser).toBe(strongEnv['PGHA_SUPERUSER_PASSWORD']);
	});

	it('names the key and the variable when one is not set, once', () => {
		const env = {...strongEnv};
		delete env['PGHA_APP_PASSWORD'];
		const result = validateAnswers(exampleRaw('compact'), env);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			const app = result.problems.filter(p => p.path === 'passwords.app');
			expect(app).toHaveLength(1);
			expect(app[0]!.message).toMatch(/environment variable PGHA_APP_PASSWORD is not set/);
		}
	});

	it('never echoes a password of the wrong type', () => {
		const raw = exampleRaw('compact');
		(raw['passwords'] as Record<string, unknown>)['superuser'] = 123456789012345;
		const result = validateAnswers(raw, strongEnv);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			const text = JSON.stringify(result.problems);
			expect(text).not.toContain('123456789012345');
			expect(text).toMatch(/must be a string, not a number/);
		}
	});
});

describe('loadAnswersFile', () => {
	it('loads both examples', async () => {
		for (const name of ['seed-topology', 'compact']) expect((await loadAnswersFile(`${root}examples/${name}.yaml`, strongEnv)).ok).toBe(true);
	});

	it('says when the file does not exist', async () => {
		const result = await loadAnswersFile(join(dir, 'nope.yaml'), strongEnv);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems[0]!.message).toMatch(/no such file/);
	});

	it('reports schema problems with their path', async () => {
		const file = join(dir, 'bad.yaml');
		const raw = exampleRaw('compact');
		(raw['hosts'] as Array<Record<string, unknown>>)[1]!['ip'] = '10.20.0.300';
		writeFileSync(file, JSON.stringify(raw));
		const result = await loadAnswersFile(file, strongEnv);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems.map(p => p.path)).toContain('hosts[1].ip');
	});
});

describe('YAML aliases', () => {
	it('refuses a "billion laughs" file as a problem instead of throwing', () => {
		const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
		for (let level = 1; level < 9; level++)
			lines.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
		const result = parseAnswersText(lines.join('\n'));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems).toEqual([{path: '(answer file)', message: expect.stringMatching(/Excessive alias count.*instead of using many YAML aliases/)}]);
	});

	it('refuses a document nested thousands of levels deep as a problem, not a crash', () => {
		for (const depth of [2_000, 100_000]) {
			const result = parseAnswersText(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
			expect(result).toEqual({ok: false, problems: [{path: '(answer file)', message: expect.stringMatching(/nests values too deeply to read/)}]});
		}
	});

	it('still reads a few aliases', () => {
		const result = parseAnswersText('a: &x [1, 2]\nb: *x\n');
		expect(result).toEqual({ok: true, value: {a: [1, 2], b: [1, 2]}});
	});
});

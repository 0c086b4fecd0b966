import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {exampleRaw, root} from '../answers/fixtures.js';
import {ensureBuilt, runCli} from './cli.js';
import {emptyHome, snapshot} from './saved-cluster.js';

const homes: string[] = [];
// A PGHA_HOME of its own, and no secret variables: import must not need them.
const freshHome = () => {
	const home = emptyHome()['PGHA_HOME']!;
	homes.push(home);
	return {PGHA_HOME: home};
};

beforeAll(ensureBuilt, 180_000);
afterAll(() => homes.forEach(dir => rmSync(dir, {recursive: true, force: true})));

describe('pgha answers (built CLI)', () => {
	it('list says so when nothing is saved, in words or as JSON', async () => {
		const env = freshHome();
		const text = await runCli(['answers', 'list'], env);
		expect(text.code).toBe(0);
		expect(text.stdout.trim()).toBe('no saved clusters');
		const json = await runCli(['answers', 'list', '--json'], env);
		expect(JSON.parse(json.stdout)).toEqual([]);
	});

	it('import saves a cluster whose secrets are still ${VARIABLE} references; list shows it; remove forgets it', async () => {
		const env = freshHome();
		const imported = await runCli(['answers', 'import', `${root}examples/seed-topology.yaml`], env);
		expect(imported.stderr).toBe('');
		expect(imported.code).toBe(0);
		expect(imported.stdout).toContain('imported cluster "produccion"; set the missing secret variables before install');

		const listed = await runCli(['answers', 'list'], env);
		expect(listed.stdout.trim()).toBe('produccion');
		expect(JSON.parse((await runCli(['answers', 'list', '--json'], env)).stdout)).toEqual(['produccion']);

		const removed = await runCli(['answers', 'remove', 'produccion'], env);
		expect(removed.code).toBe(0);
		expect(removed.stdout).toContain('removed saved cluster "produccion" (the servers are untouched)');
		expect((await runCli(['answers', 'list'], env)).stdout.trim()).toBe('no saved clusters');
		expect(Object.keys(snapshot(env.PGHA_HOME)).filter(file => file.includes('produccion'))).toEqual([]);
	});

	it('import refuses answers with a real problem (exit 2) and saves nothing', async () => {
		const env = freshHome();
		const raw = exampleRaw('compact');
		raw['network'] = {...(raw['network'] as object), vrrpRouterId: 300};
		const file = join(env.PGHA_HOME, 'bad.yaml');
		writeFileSync(file, YAML.stringify(raw));
		const result = await runCli(['answers', 'import', file], env);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('network.vrrpRouterId');
		expect(JSON.parse((await runCli(['answers', 'list', '--json'], env)).stdout)).toEqual([]);
	});

	it('import of a missing file, and remove of an unknown cluster, are exit 2', async () => {
		const env = freshHome();
		const missing = await runCli(['answers', 'import', '/nonexistent/answers.yaml'], env);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('no such file');
		const unknown = await runCli(['answers', 'remove', 'nothere'], env);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('no saved cluster "nothere"');
	});

	it('an unknown action is exit 2 and shows the usage', async () => {
		const result = await runCli(['answers', 'frobnicate'], freshHome());
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('pgha answers list | show NAME');
	});
});

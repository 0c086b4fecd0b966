import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {directoryStep} from '../../../recipes/kit/directory-step.js';
import {explainFile, fileMatches, fileStep} from '../../../recipes/kit/file-step.js';
import type {ManagedFile} from '../../../recipes/kit/managed-file.js';
import {remoteShell} from '../../../recipes/kit/remote-shell.js';
import type {StepContext} from '../../../recipes/kit/step.js';
import {readExit, readFileScript, writeFileScript} from '../../../source/transport/file-scripts.js';
import {RemoteCommandError, type RunOptions, type RunResult} from '../../../source/transport/ssh.js';

// The kit's steps against this machine's own bash and a temporary directory:
// real files and real symbolic links, as on a host.
const me = userInfo().username;
const myGroup = execFileSync('id', ['-gn'], {encoding: 'utf8'}).trim();
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(dir => rmSync(dir, {recursive: true, force: true})));

function sandbox(): string {
	const dir = mkdtempSync(join(tmpdir(), 'pgha-kit-'));
	dirs.push(dir);
	return dir;
}

/** A step context whose commands run here, with reads and writes confined to `top`. */
function localContext(top: string): StepContext & {scripts: string[]} {
	const scripts: string[] = [];
	const run = async (script: string, options: RunOptions = {}): Promise<RunResult> => {
		scripts.push(script);
		const out = spawnSync('bash', ['-c', script], {input: options.stdin ?? '', encoding: 'utf8'});
		const result = {code: out.status ?? 255, stdout: out.stdout, stderr: out.stderr};
		if (options.check !== false && result.code !== 0) throw new RemoteCommandError('local', script, result);
		return result;
	};
	const files = {trustedUid: process.getuid!(), top};
	const conn = {
		name: 'local',
		async readFile(path: string) {
			const result = await run(readFileScript(path, files), {check: false});
			return result.code === readExit.missing || result.code === readExit.notPlain ? undefined : result.stdout;
		},
		async writeFile(path: string, content: string, owner: string, group: string, mode: number) {
			await run(writeFileScript(path, owner, group, mode, files), {stdin: content});
		},
	};
	return {conn, run, $: remoteShell(run), scripts, touch: () => {}, touched: new Map()} as unknown as StepContext & {scripts: string[]};
}

const managed = (path: string, content: string, secret = false): ManagedFile => ({path, owner: me, group: myGroup, mode: 0o640, content, secret});

describe('file steps and symbolic links', () => {
	it('a link to a file with the very content and mode still does not match', async () => {
		const top = sandbox();
		const ctx = localContext(top);
		const file = managed(`${top}/app.conf`, 'a = 1\n');
		writeFileSync(`${top}/real.conf`, 'a = 1\n');
		chmodSync(`${top}/real.conf`, 0o640);
		writeFileSync(file.path, 'a = 1\n');
		chmodSync(file.path, 0o640);
		expect(await fileMatches(ctx, file)).toBe(true);
		rmSync(file.path);
		symlinkSync(`${top}/real.conf`, file.path);
		expect(await fileMatches(ctx, file)).toBe(false);
	});

	it('explain names the link and never shows what it points to', async () => {
		const top = sandbox();
		const ctx = localContext(top);
		writeFileSync(`${top}/shadow`, 'root:$y$secret-hash:19000::::::\n');
		const file = managed(`${top}/app.conf`, 'a = 1\n');
		symlinkSync(`${top}/shadow`, file.path);
		const lines = await explainFile(ctx, file);
		expect(lines).toEqual([`${file.path} is a symbolic link, not the file (pgha replaces it and never reads through it)`]);
		expect(lines.join('\n')).not.toContain('secret-hash');
		// Nothing was read through it either: no command printed it.
		const printed = await Promise.all(ctx.scripts.map(script => ctx.run(script, {check: false})));
		expect(printed.map(r => r.stdout).join('')).not.toContain('secret-hash');
	});

	it('explain shows a diff of a plain file', async () => {
		const top = sandbox();
		const ctx = localContext(top);
		const file = managed(`${top}/app.conf`, 'a = 2\n');
		writeFileSync(file.path, 'a = 1\n');
		chmodSync(file.path, 0o640);
		expect(await explainFile(ctx, file)).toEqual(expect.arrayContaining(['@@ -1,1 +1,1 @@', '-a = 1', '+a = 2']));
	});

	it('apply replaces the link with the file and leaves the target as it was', async () => {
		const top = sandbox();
		const ctx = localContext(top);
		writeFileSync(`${top}/shadow`, 'root:hash\n', {mode: 0o600});
		const file = managed(`${top}/etc/app.conf`, 'a = 1\n');
		mkdirSync(`${top}/etc`);
		symlinkSync(`${top}/shadow`, file.path);
		await fileStep(file).apply(ctx);
		expect(readFileSync(`${top}/shadow`, 'utf8')).toBe('root:hash\n');
		expect(statSync(`${top}/shadow`).mode & 0o777).toBe(0o600);
		expect(lstatSync(file.path).isFile()).toBe(true);
		expect(await fileMatches(ctx, file)).toBe(true);
	});
});

describe('directoryStep and symbolic links', () => {
	it('refuses a link where the directory belongs, changing nothing at its target', async () => {
		const top = sandbox();
		const ctx = localContext(top);
		mkdirSync(`${top}/elsewhere`, {mode: 0o755});
		chmodSync(`${top}/elsewhere`, 0o755);
		symlinkSync(`${top}/elsewhere`, `${top}/data`);
		const step = directoryStep(`${top}/data`, me, 0o700);
		expect(await step.check!(ctx)).toBe(false);
		expect(await step.explain!(ctx)).toEqual([expect.stringContaining(`${top}/data is a symbolic link where pgha keeps a directory owned by ${me}`)]);
		await expect(step.apply(ctx)).rejects.toThrow(/is a symbolic link .*replace it with a real directory/);
		expect(statSync(`${top}/elsewhere`).mode & 0o777).toBe(0o755);
		expect(lstatSync(`${top}/data`).isSymbolicLink()).toBe(true);
	});

	it('makes a missing directory with its owner and mode, then matches', async () => {
		const top = sandbox();
		const ctx = localContext(top);
		const step = directoryStep(`${top}/data`, me, 0o700);
		expect(await step.check!(ctx)).toBe(false);
		await step.apply(ctx);
		expect(statSync(`${top}/data`).mode & 0o777).toBe(0o700);
		expect(await step.check!(ctx)).toBe(true);
	});
});

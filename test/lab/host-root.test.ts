import {lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {writeInRoot} from '../../source/lab/host-root.js';

describe('writeInRoot', () => {
	let dir: string;
	let root: string;
	let outside: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
		root = join(dir, 'root');
		outside = join(dir, 'outside');
		await mkdir(join(root, 'etc'), {recursive: true});
		await mkdir(outside);
	});
	afterEach(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('writes the file with its mode, making directories', async () => {
		await writeInRoot(root, '/root/.ssh/authorized_keys', 'key\n', 0o600);
		expect(await readFile(join(root, 'root/.ssh/authorized_keys'), 'utf8')).toBe('key\n');
		expect((await stat(join(root, 'root/.ssh/authorized_keys'))).mode & 0o777).toBe(0o600);
	});

	it('replaces a symlink instead of writing where it points', async () => {
		await writeFile(join(outside, 'resolv.conf'), 'machine\n');
		await symlink(join(outside, 'resolv.conf'), join(root, 'etc/resolv.conf'));
		await writeInRoot(root, '/etc/resolv.conf', 'host\n');
		expect(await readFile(join(outside, 'resolv.conf'), 'utf8')).toBe('machine\n');
		expect((await lstat(join(root, 'etc/resolv.conf'))).isFile()).toBe(true);
	});

	it('refuses to write through a symlinked directory', async () => {
		await symlink(outside, join(root, 'var'));
		await expect(writeInRoot(root, '/var/lib/x', 'y')).rejects.toThrow(/not a directory/);
		await expect(stat(join(outside, 'lib'))).rejects.toThrow();
	});

	it('stays inside the root', async () => {
		await expect(writeInRoot(root, '/../outside/x', 'y')).rejects.toThrow();
	});
});

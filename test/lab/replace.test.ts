import {mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {run} from '../../source/lab/exec.js';
import {hostKeyFingerprint, prepareHostRoot, publicKeyFingerprint} from '../../source/lab/host-root.js';
import {findHost} from '../../source/lab/lab.js';
import {discardHostLayer} from '../../source/lab/mounts.js';
import {hostPaths, labPaths, type HostPaths} from '../../source/lab/paths.js';
import type {LabState} from '../../source/lab/state.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** A host's directory as a lab host leaves it once off: its layer written, its root an empty mount point. */
async function usedHost(): Promise<HostPaths> {
	const host = hostPaths(labPaths({PGHA_LAB_DIR: dir}), 'postgres1');
	await mkdir(join(host.upper, 'etc/ssh'), {recursive: true});
	await writeFile(join(host.upper, 'etc/ssh/ssh_host_ed25519_key.pub'), 'ssh-ed25519 AAAA old\n');
	await mkdir(join(host.upper, 'var/lib/postgresql/15/main'), {recursive: true});
	await writeFile(join(host.upper, 'var/lib/postgresql/15/main/PG_VERSION'), '15\n');
	await mkdir(join(host.work, 'work'), {recursive: true});
	await mkdir(host.root, {recursive: true});
	await writeFile(host.console, 'boot 1\n');
	return host;
}

describe('lab replace: the host layer', () => {
	it('is thrown away whole, leaving the mount point and the console log', async () => {
		const host = await usedHost();
		await discardHostLayer(host, []);
		expect((await readdir(host.dir)).sort()).toEqual(['console.log', 'root']);
		expect(await readFile(host.console, 'utf8')).toBe('boot 1\n');
	});

	it('is kept while anything is still mounted in the host directory', async () => {
		const host = await usedHost();
		const mounted = [{source: 'overlay', target: host.root, type: 'overlay', options: 'rw'}];
		await expect(discardHostLayer(host, mounted)).rejects.toThrow(`${host.root} is still mounted; the host's disk was kept`);
		expect((await stat(join(host.upper, 'var/lib/postgresql/15/main/PG_VERSION'))).isFile()).toBe(true);
	});

	it('of one host only: a host beside it is untouched', async () => {
		const host = await usedHost();
		const other = hostPaths(labPaths({PGHA_LAB_DIR: dir}), 'postgres10');
		await mkdir(join(other.upper, 'etc'), {recursive: true});
		await discardHostLayer(host, [{source: 'overlay', target: other.root, type: 'overlay', options: 'rw'}]);
		expect((await readdir(other.dir)).sort()).toEqual(['upper']);
	});
});

describe('lab replace: a fresh layer gets identities of its own', () => {
	const setup = (root: string) => ({
		root,
		name: 'postgres1',
		hosts: [{name: 'postgres1', ip: '10.131.0.1'}],
		publicKey: 'ssh-ed25519 AAAAlab pgha-lab',
		mirrors: {debian: 'http://deb.debian.org/debian/'},
		withSecurity: false,
		offline: true,
	});
	// What the base image holds of these: an empty machine id and no host keys (base-image.ts).
	async function baseLike(root: string): Promise<void> {
		await mkdir(join(root, 'etc/ssh'), {recursive: true});
		await writeFile(join(root, 'etc/machine-id'), '');
	}

	it('a new SSH host key and machine id, where a restart keeps both', async () => {
		const first = join(dir, 'first');
		await baseLike(first);
		await prepareHostRoot(setup(first));
		const key = await hostKeyFingerprint(first);
		const machineId = await readFile(join(first, 'etc/machine-id'), 'utf8');
		expect(key).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
		// Started again on the same disk: the same identities.
		await prepareHostRoot(setup(first));
		expect(await hostKeyFingerprint(first)).toBe(key);
		expect(await readFile(join(first, 'etc/machine-id'), 'utf8')).toBe(machineId);
		// The same host on a fresh disk: new ones.
		const fresh = join(dir, 'fresh');
		await baseLike(fresh);
		await prepareHostRoot(setup(fresh));
		expect(await hostKeyFingerprint(fresh)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
		expect(await hostKeyFingerprint(fresh)).not.toBe(key);
		expect(await readFile(join(fresh, 'etc/machine-id'), 'utf8')).not.toBe(machineId);
	});
});

describe('host key fingerprints', () => {
	it('are what ssh-keygen -lf prints on the console', async () => {
		const key = join(dir, 'ssh_host_ed25519_key');
		await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@postgres1', '-f', key]);
		const printed = (await run('ssh-keygen', ['-lf', `${key}.pub`])).split(/\s+/)[1];
		expect(publicKeyFingerprint(await readFile(`${key}.pub`, 'utf8'))).toBe(printed);
	});

	it('are undefined for no key or for something else', async () => {
		expect(await hostKeyFingerprint(join(dir, 'none'))).toBeUndefined();
		expect(publicKeyFingerprint('')).toBeUndefined();
		expect(publicKeyFingerprint('not a key!')).toBeUndefined();
		expect(publicKeyFingerprint('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIB1x root@x')).toBeUndefined();
	});
});

describe('lab replace: the host name', () => {
	const state = {hosts: [{name: 'node1', ip: '10.131.0.11', roles: [], added: false}, {name: 'node2', ip: '10.131.0.12', roles: [], added: false}]} as unknown as LabState;

	it('must be one of the lab: otherwise exit 2, naming its hosts', () => {
		expect(findHost(state, 'node2').ip).toBe('10.131.0.12');
		let error: unknown;
		try {
			findHost(state, 'node9');
		} catch (caught) {
			error = caught;
		}
		expect(error).toMatchObject({name: 'UsageError', exitCode: 2, message: 'the lab has no host "node9"; its hosts are node1, node2'});
	});
});

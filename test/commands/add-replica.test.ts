import {createServer, type Server} from 'node:net';
import {rmSync} from 'node:fs';
import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {main} from '../../source/commands/main.js';
import {ensureBuilt, runCli} from './cli.js';
import {captureIo, noFlags} from './io.js';
import {sshAttempts} from './no-ssh.js';
import {savedSeed, snapshot} from './saved-cluster.js';

vi.mock('../../source/transport/ssh.js', async importOriginal => (await import('./no-ssh.js')).withoutSsh(await importOriginal()));

const homes: string[] = [];
const home = (env: Record<string, string>) => (homes.push(env['PGHA_HOME']!), env);

// Stands where the new host's SSH server would be, counting who knocks.
let listener: Server;
let knocks = 0;
let port = 0;
beforeAll(async () => {
	listener = createServer(socket => {
		knocks++;
		socket.destroy();
	});
	await new Promise<void>(resolve => listener.listen(0, '127.0.0.1', resolve));
	port = (listener.address() as {port: number}).port;
	await ensureBuilt();
}, 180_000);
beforeEach(() => void sshAttempts.splice(0));
afterAll(() => {
	listener.close();
	homes.forEach(dir => rmSync(dir, {recursive: true, force: true}));
});

describe('pgha add-replica without --yes and without a terminal', () => {
	it('is refused with exit 2, naming --yes, before the new host is contacted', async () => {
		const env = home(savedSeed(raw => ({...raw, ssh: {...raw.ssh, port}})));
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['add-replica'], {...noFlags, cluster: 'produccion', name: 'postgres4', ip: '127.0.0.1'}, io)).toBe(2);
		expect(io.stderr()).toContain('--yes');
		expect(io.lines).toEqual([]);
		expect(sshAttempts).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('is refused by the built CLI too: nothing reaches 127.0.0.1 and the saved cluster is unchanged', async () => {
		const env = home(savedSeed(raw => ({...raw, ssh: {...raw.ssh, port}})));
		const before = snapshot(env['PGHA_HOME']!);
		const result = await runCli(['add-replica', '--cluster', 'produccion', '--name', 'postgres4', '--ip', '127.0.0.1'], env);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^pgha: add-replica changes the cluster; pass --yes/);
		expect(result.stdout).toBe('');
		expect(knocks).toBe(0);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});
});

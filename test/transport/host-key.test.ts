import type {AddressInfo} from 'node:net';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fingerprintOf, HostConnection, HostKeyChanged, type SshSettings} from '../../source/transport/ssh.js';

const settings = (more: Partial<SshSettings> = {}): SshSettings => ({user: 'admin', port: 22, agent: false, ...more});

describe('host key pinning against a real SSH server on 127.0.0.1', () => {
	const {Server, utils} = ssh2;
	const key = utils.generateKeyPairSync('ed25519');
	const real = fingerprintOf((utils.parseKey(key.public) as {getPublicSSH(): Buffer}).getPublicSSH());
	const offered: string[] = [];
	let server: InstanceType<typeof Server>;
	let port = 0;
	beforeAll(async () => {
		server = new Server({hostKeys: [key.private]}, client => {
			client.on('authentication', ctx => {
				offered.push(`${ctx.method}:${ctx.method === 'password' ? ctx.password : ''}`);
				ctx.reject();
			});
			client.on('error', () => {});
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		port = (server.address() as AddressInfo).port;
	});
	afterAll(() => void server.close());

	it('a key other than the recorded one stops the connection before any password is offered, naming both fingerprints', async () => {
		offered.splice(0);
		const error = (await HostConnection.open({name: 'postgres1', ip: '127.0.0.1'}, settings({port, password: 'Login-Pass-1'}), 'SHA256:recordedkeyrecordedkeyrecordedkeyrecordedke').catch((e: unknown) => e)) as Error;
		expect(error.name).toBe('UserError');
		expect(error.message).toContain(`presented host key ${real}, but SHA256:recordedkeyrecordedkeyrecordedkeyrecordedke is recorded for it (ssh.hostKeys.postgres1)`);
		expect(error.message).toContain('run `pgha trust-host postgres1`');
		expect(error.message).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
		// What trust-host shows: the key the server presented, learnt without offering it anything.
		expect(error).toBeInstanceOf(HostKeyChanged);
		expect(error).toMatchObject({host: 'postgres1', ip: '127.0.0.1', seen: real, expected: 'SHA256:recordedkeyrecordedkeyrecordedkeyrecordedke'});
		expect(offered).toEqual([]);
	});

	it('with the recorded key, the login goes ahead (and is refused here, after the password was offered)', async () => {
		offered.splice(0);
		const error = (await HostConnection.open({name: 'postgres1', ip: '127.0.0.1'}, settings({port, password: 'Login-Pass-1'}), real).catch((e: unknown) => e)) as Error;
		expect(error.message).toContain('SSH login as admin was refused');
		expect(offered).toContain('password:Login-Pass-1');
	});
});

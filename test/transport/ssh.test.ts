import {describe, expect, it} from 'vitest';
import {HostConnection, type Session, type SshSettings} from '../../source/transport/ssh.js';

const host = {name: 'postgres1', ip: '10.0.0.11'};
const settings = (more: Partial<SshSettings> = {}): SshSettings => ({user: 'admin', port: 22, agent: false, ...more});

/** A logged-in session that records each command line with its stdin, and answers sudo as `sudoAsks` says. */
function fakeSession(sudoAsks: boolean, password = 'Sudo-Pass-1') {
	const calls: Array<{command: string; stdin?: string}> = [];
	const session = {
		calls,
		async execCommand(command: string, options: {stdin?: string} = {}) {
			calls.push({command, stdin: options.stdin});
			const reply = (code: number, stderr = '') => ({code, stdout: '', stderr, signal: null});
			if (command.startsWith('sudo -k -n ')) return sudoAsks ? reply(1, 'sudo: a password is required\n') : reply(0);
			if (command.startsWith("sudo -k -S -p '' ")) return options.stdin?.startsWith(`${password}\n`) ? reply(0) : reply(1, 'sudo: 1 incorrect password attempt\n');
			return reply(0);
		},
		dispose() {},
	};
	return session as unknown as Session & {calls: typeof calls};
}

describe('sudo: the password only when sudo asks', () => {
	it('with passwordless sudo, uses sudo -n and never sends the password, not even when one is set', async () => {
		const session = fakeSession(false);
		const conn = await HostConnection.attach(host, session, settings({sudoPassword: 'Sudo-Pass-1'}), 'SHA256:x');
		expect(conn.sudo).toBe('passwordless');
		await conn.run('cat > /tmp/x', {stdin: 'file content\n'});
		await conn.writeFile('/etc/app.conf', 'key = value\n');
		const [probe, run, write] = session.calls;
		expect(probe).toEqual({command: 'sudo -k -n bash -c true', stdin: undefined});
		expect(run).toEqual({command: `sudo -n bash -c 'cat > /tmp/x'`, stdin: 'file content\n'});
		expect(write!.command).toMatch(/^sudo -n bash -c /);
		expect(write!.stdin).toBe('key = value\n');
		expect(session.calls.map(c => `${c.command}\n${c.stdin ?? ''}`).join('\n')).not.toContain('Sudo-Pass-1');
	});

	it('when sudo asks, checks the password once, then sends it as the first stdin line with -k -S', async () => {
		const session = fakeSession(true);
		const conn = await HostConnection.attach(host, session, settings({sudoPassword: 'Sudo-Pass-1'}), 'SHA256:x');
		expect(conn.sudo).toBe('password');
		await conn.run('cat > /tmp/x', {stdin: 'file content\n'});
		expect(session.calls[1]).toEqual({command: "sudo -k -S -p '' bash -c true", stdin: 'Sudo-Pass-1\n'});
		expect(session.calls[2]).toEqual({command: `sudo -k -S -p '' bash -c 'cat > /tmp/x'`, stdin: 'Sudo-Pass-1\nfile content\n'});
		// Never on a command line.
		expect(session.calls.map(c => c.command).join('\n')).not.toContain('Sudo-Pass-1');
	});

	it('when sudo asks and there is no ssh.sudoPassword, stops at connect naming the host and the key', async () => {
		const session = fakeSession(true);
		const error = await HostConnection.attach(host, session, settings(), 'SHA256:x').catch((e: unknown) => e);
		expect(error).toMatchObject({name: 'UserError'});
		expect(String((error as Error).message)).toMatch(/^postgres1 \(10\.0\.0\.11\): the SSH login as admin works, but sudo asks for a password; set ssh\.sudoPassword/);
		expect(session.calls).toHaveLength(1);
	});

	it('a wrong sudo password stops at connect, without quoting it', async () => {
		const session = fakeSession(true, 'the-real-one');
		const error = (await HostConnection.attach(host, session, settings({sudoPassword: 'Sudo-Pass-1'}), 'SHA256:x').catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(/^postgres1 \(10\.0\.0\.11\): sudo refused ssh\.sudoPassword for admin/);
		expect(error.message).not.toContain('Sudo-Pass-1');
	});

	it('as root, asks nothing and wraps nothing', async () => {
		const session = fakeSession(true);
		const conn = await HostConnection.attach(host, session, settings({user: 'root', sudoPassword: 'Sudo-Pass-1'}), 'SHA256:x');
		await conn.run('true', {stdin: 'in'});
		expect(session.calls).toEqual([{command: 'bash -c true', stdin: 'in'}]);
	});
});

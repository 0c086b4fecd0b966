import {describe, expect, test} from 'vitest';
import {mirrorInstallScript} from '../../recipes/host/apt-scripts.js';
import {FakeDebianHost} from './fake-debian.js';

describe('the fake Debian host', () => {
	test('a command it does not understand throws, naming the script, and is kept', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		await expect(host.connection().run('mkfs.ext4 /dev/sda')).rejects.toThrow('fake host a does not understand: mkfs.ext4 /dev/sda');
		expect(host.unknown).toEqual(['mkfs.ext4 /dev/sda']);
	});

	test('a unit exists only once its package is installed, and starts held back', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		const conn = host.connection();
		expect((await conn.run('systemctl start haproxy', {check: false})).code).not.toBe(0);
		host.run(mirrorInstallScript(['haproxy'], new Map()));
		expect(host.unit('haproxy')).toMatchObject({enabled: true, active: false});
		await conn.run('systemctl daemon-reload && systemctl enable --quiet haproxy');
		await conn.run('systemctl start haproxy');
		expect((await conn.run('systemctl is-enabled haproxy; systemctl is-active haproxy')).stdout).toBe('enabled\nactive\n');
		expect(host.unit('haproxy')).toMatchObject({starts: 1, restarts: 0});
	});

	test('files keep owner, group and mode; a file owned by a missing user cannot be written', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		const conn = host.connection();
		await expect(conn.writeFile('/etc/x/y.conf', 'x\n', 'postgres', 'postgres', 0o600)).rejects.toThrow();
		await conn.writeFile('/etc/x/y.conf', 'x\n', 'root', 'root', 0o640);
		expect((await conn.run("stat -c '%U:%G:%a' /etc/x/y.conf 2>/dev/null || echo missing")).stdout).toBe('root:root:640\n');
		expect((await conn.run("stat -c '%U:%G:%a' /etc/x/z.conf 2>/dev/null || echo missing")).stdout).toBe('missing\n');
		expect(host.dirs.get('/etc/x')).toMatchObject({owner: 'root', mode: 0o755});
	});

	test('cat prints every file there and names a missing one with exit 1, as cat does; true answers', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		const conn = host.connection();
		await conn.writeFile('/etc/a.crt', 'A\n');
		await conn.writeFile('/etc/c.crt', 'C\n');
		expect(await conn.run('cat /etc/a.crt /etc/b.crt /etc/c.crt', {check: false})).toEqual({code: 1, stdout: 'A\nC\n', stderr: 'cat: /etc/b.crt: No such file or directory\n'});
		expect(await conn.run('cat /etc/a.crt /etc/b.crt 2>/dev/null || true')).toMatchObject({code: 0, stdout: 'A\n'});
	});

	test('the certificate block of a file is its first certificate, without the key after it; nothing for a file without one', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		const conn = host.connection();
		const cert = '-----BEGIN CERTIFICATE-----\nMIIB\nAAAA\n-----END CERTIFICATE-----\n';
		await conn.writeFile('/etc/haproxy/tls/stats.pem', `${cert}-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n`);
		await conn.writeFile('/etc/plain.conf', 'x = 1\n');
		const block = (path: string) => conn.run(`sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' ${path} 2>/dev/null | sed '/-----END CERTIFICATE-----/q'`, {check: false});
		expect(await block('/etc/haproxy/tls/stats.pem')).toEqual({code: 0, stdout: cert, stderr: ''});
		expect(await block('/etc/plain.conf')).toEqual({code: 0, stdout: '', stderr: ''});
		expect(await block('/etc/missing.crt')).toEqual({code: 0, stdout: '', stderr: ''});
	});
});

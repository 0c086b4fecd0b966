import {describe, expect, test} from 'vitest';
import {FakeDebianHost} from './fake-debian.js';

describe('the fake Debian host', () => {
	test('a command it does not understand throws, naming the script, and is kept', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		await expect(host.connection().run('rm -rf /var/lib/etcd')).rejects.toThrow('fake host a does not understand: rm -rf /var/lib/etcd');
		expect(host.unknown).toEqual(['rm -rf /var/lib/etcd']);
	});

	test('a unit exists only once its package is installed, and starts held back', async () => {
		const host = new FakeDebianHost('a', '10.0.0.1');
		const conn = host.connection();
		expect((await conn.run('systemctl start haproxy', {check: false})).code).not.toBe(0);
		host.run("set -e\ntrap 'rm -f /usr/sbin/policy-rc.d' EXIT\napt-get $opts install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold haproxy");
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
});

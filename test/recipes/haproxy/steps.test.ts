import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';

const haproxyStep = (name: string) => /haproxy|sysctl/.test(name);

describe('HAProxy steps', () => {
	test('config, sysctl file, non-local bind and the service on both balancers; a re-run changes nothing', async () => {
		const {firstChanged, cluster} = await provesIdempotent('balancers', haproxyStep);
		for (const host of ['node1', 'node2']) {
			expect(firstChanged).toEqual(
				expect.arrayContaining([
					`${host}: file /etc/haproxy/tls/ca.crt`,
					`${host}: file /etc/haproxy/tls/stats.pem`,
					`${host}: file /etc/haproxy/haproxy.cfg`,
					`${host}: file /etc/sysctl.d/90-pgha.conf`,
					`${host}: sysctl net.ipv4.ip_nonlocal_bind=1`,
					`${host}: service haproxy`,
				]),
			);
			expect(cluster.host(host).files.get('/etc/haproxy/tls/stats.pem')).toMatchObject({owner: 'root', mode: 0o600});
			expect(cluster.host(host).files.get('/etc/haproxy/haproxy.cfg')).toMatchObject({owner: 'root', mode: 0o600});
			expect(cluster.host(host).sysctls.get('net.ipv4.ip_nonlocal_bind')).toBe('1');
			expect(cluster.host(host).unit('haproxy')).toMatchObject({active: true, starts: 1, restarts: 0, reloads: 0});
		}
		expect(cluster.host('node3').unit('haproxy')).toBeUndefined();
	});
});

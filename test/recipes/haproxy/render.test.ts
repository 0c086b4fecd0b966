import {describe, expect, it} from 'vitest';
import {renderHaproxy, renderHaproxyTls} from '../../../recipes/haproxy/render.js';
import {readCertificate} from '../../../source/keys/certificates.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {clusterKeys} from '../../keys/fixtures.js';

/** The lines of one section, without indentation. */
function section(content: string, title: string): string[] {
	const lines = content.split('\n');
	const start = lines.indexOf(title);
	expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
	const body: string[] = [];
	for (const line of lines.slice(start + 1)) {
		if (!line.startsWith('\t')) break;
		body.push(line.trim());
	}
	return body;
}

describe('renderHaproxy', () => {
	const answers = withStatsPassword(example('seed-topology'));
	const haproxy1 = answers.hosts.find(h => h.name === 'haproxy1')!;
	const file = renderHaproxy(answers, haproxy1);

	it('is the seed\'s global and defaults', () => {
		// Secret: the stats password is in it.
		expect(file).toMatchObject({path: '/etc/haproxy/haproxy.cfg', owner: 'root', group: 'root', mode: 0o600, secret: true, service: 'haproxy', onChange: 'reload'});
		expect(section(file.content, 'global')).toEqual(expect.arrayContaining(['log /dev/log local0', 'maxconn 1000', 'user haproxy', 'group haproxy', 'daemon']));
		expect(section(file.content, 'defaults')).toEqual(
			expect.arrayContaining(['mode tcp', 'retries 2', 'timeout client 30m', 'timeout server 30m', 'timeout connect 4s', 'timeout check 5s']),
		);
	});

	it('serves the stats page over HTTPS with a password, on the balancer\'s own address only', () => {
		expect(section(file.content, 'listen stats')).toEqual([
			'mode http',
			'bind 192.168.100.5:7000 ssl crt /etc/haproxy/tls/stats.pem',
			'stats enable',
			'stats uri /',
			'stats realm pgha',
			"stats auth 'admin:Stats-Secret-Value-6'",
		]);
		const haproxy2 = answers.hosts.find(h => h.name === 'haproxy2')!;
		expect(section(renderHaproxy(answers, haproxy2).content, 'listen stats')[1]).toBe(`bind ${haproxy2.ip}:7000 ssl crt /etc/haproxy/tls/stats.pem`);
		expect(file.content).not.toContain('bind *');
		expect(file.content).not.toContain(`${answers.network.vip}:7000`);
	});

	it('refuses to render without the stats password, which the install makes first', () => {
		const {haproxyStats: _, ...passwords} = answers.passwords;
		expect(() => renderHaproxy({...answers, passwords}, haproxy1)).toThrow(/stats password/);
	});

	it('routes VIP:5000 to the primary and VIP:5001 round robin to replicas', () => {
		const primary = section(file.content, 'listen primary');
		const replicas = section(file.content, 'listen replicas');
		expect(primary[0]).toBe('bind 192.168.100.56:5000');
		expect(replicas[0]).toBe('bind 192.168.100.56:5001');
		expect(replicas).toContain('balance roundrobin');
		expect(primary).toContain('tcp-check send "OPTIONS /primary HTTP/1.0\\r\\n\\r\\n"');
		expect(replicas).toContain('tcp-check send "OPTIONS /replica HTTP/1.0\\r\\n\\r\\n"');
		for (const body of [primary, replicas]) {
			// Patroni's certificate is checked against the cluster CA.
			expect(body).toContain('default-server inter 3s fastinter 200ms downinter 1s fall 3 rise 2 on-marked-down shutdown-sessions ca-file /etc/haproxy/tls/ca.crt verify required');
			expect(body.filter(l => l.startsWith('server '))).toEqual([
				'server postgres1 192.168.100.1:6432 maxconn 100 check port 8008',
				'server postgres2 192.168.100.2:6432 maxconn 100 check port 8008',
				'server postgres3 192.168.100.3:6432 maxconn 100 check port 8008',
			]);
		}
	});

	it.each([
		['fast', 'inter 1s fastinter 200ms downinter 500ms fall 2 rise 1'],
		['normal', 'inter 3s fastinter 200ms downinter 1s fall 3 rise 2'],
		['safe', 'inter 3s fastinter 500ms downinter 2s fall 3 rise 3'],
	] as const)('checks the nodes at the pace of ha.rto %s, in both listen sections', (rto, timing) => {
		const content = renderHaproxy({...answers, ha: {...answers.ha, rto}}, haproxy1).content;
		const line = `default-server ${timing} on-marked-down shutdown-sessions ca-file /etc/haproxy/tls/ca.crt verify required`;
		for (const title of ['listen primary', 'listen replicas']) expect(section(content, title).filter(l => l.startsWith('default-server'))).toEqual([line]);
	});

	it('checks PgBouncer first, then Patroni\'s role', () => {
		const checks = section(file.content, 'listen primary').filter(l => l.startsWith('tcp-check connect') || l.startsWith('tcp-check expect'));
		// PgBouncer answers "S" to the SSLRequest: it speaks TLS; Patroni's API is HTTPS.
		expect(checks).toEqual(['tcp-check connect port 6432', 'tcp-check expect binary 53', 'tcp-check connect port 8008 ssl', 'tcp-check expect rstring ^HTTP/1\\.[01]\\ 200']);
		expect(file.content).not.toMatch(/\/master/);
	});
});

describe('renderHaproxyTls', () => {
	it('gives HAProxy the CA to check Patroni with and the balancer\'s certificate and key in one secret PEM', async () => {
		const answers = withStatsPassword(example('seed-topology'));
		const keys = await clusterKeys(answers);
		const haproxy2 = answers.hosts.find(h => h.name === 'haproxy2')!;
		const [ca, pem, ...rest] = renderHaproxyTls(answers, haproxy2, keys);
		expect(rest).toEqual([]);
		expect(ca).toMatchObject({path: '/etc/haproxy/tls/ca.crt', owner: 'root', mode: 0o644, content: keys.caCert, secret: false, service: 'haproxy', onChange: 'reload'});
		expect(pem).toMatchObject({path: '/etc/haproxy/tls/stats.pem', owner: 'root', mode: 0o600, secret: true, service: 'haproxy', onChange: 'reload'});
		expect(pem!.content).toBe(`${keys.hosts['haproxy2']!.cert}${keys.hosts['haproxy2']!.key}`);
		// One PEM block after the other, each on its own lines, as HAProxy reads them.
		expect(pem!.content).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
		expect(pem!.certificate).toEqual({caCert: keys.caCert, names: {dns: ['haproxy2'], ips: ['192.168.100.6']}});
		expect(readCertificate(pem!.content).names).toEqual({dns: ['haproxy2'], ips: ['192.168.100.6']});
	});
});

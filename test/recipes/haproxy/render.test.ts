import {describe, expect, it} from 'vitest';
import {renderHaproxy} from '../../../recipes/haproxy/render.js';
import {example} from '../../answers/fixtures.js';

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
	const answers = example('seed-topology');
	const file = renderHaproxy(answers);

	it('is the seed\'s global and defaults', () => {
		expect(file).toMatchObject({path: '/etc/haproxy/haproxy.cfg', owner: 'root', group: 'root', mode: 0o644, secret: false, service: 'haproxy', onChange: 'reload'});
		expect(section(file.content, 'global')).toEqual(expect.arrayContaining(['log /dev/log local0', 'maxconn 1000', 'user haproxy', 'group haproxy', 'daemon']));
		expect(section(file.content, 'defaults')).toEqual(
			expect.arrayContaining(['mode tcp', 'retries 2', 'timeout client 30m', 'timeout server 30m', 'timeout connect 4s', 'timeout check 5s']),
		);
		expect(section(file.content, 'listen stats')).toEqual(['mode http', 'bind *:7000', 'stats enable', 'stats uri /']);
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
			expect(body).toContain('default-server inter 3s fastinter 200ms fall 3 rise 2 on-marked-down shutdown-sessions');
			expect(body.filter(l => l.startsWith('server '))).toEqual([
				'server postgres1 192.168.100.1:6432 maxconn 100 check port 8008',
				'server postgres2 192.168.100.2:6432 maxconn 100 check port 8008',
				'server postgres3 192.168.100.3:6432 maxconn 100 check port 8008',
			]);
		}
	});

	it('checks PgBouncer first, then Patroni\'s role', () => {
		const checks = section(file.content, 'listen primary').filter(l => l.startsWith('tcp-check connect') || l.startsWith('tcp-check expect'));
		expect(checks).toEqual(['tcp-check connect port 6432', 'tcp-check expect binary 4e', 'tcp-check connect port 8008', 'tcp-check expect rstring ^HTTP/1\\.[01]\\ 200']);
		expect(file.content).not.toMatch(/\/master/);
	});
});

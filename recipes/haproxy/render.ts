import type {Answers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {hostsWithRole} from '../../source/answers/hosts.js';

// PostgreSQL's SSLRequest (length 8, code 80877103). PgBouncer answers one byte,
// "N" without TLS, so a reply proves the pooler itself works, not just its socket.
const sslRequest = '0000000804d2162f';

/**
 * The health check of one listen section: PgBouncer on the node must answer,
 * then Patroni's REST API must report the wanted role. `option httpchk` cannot
 * probe a non-HTTP port (every `http-check connect` needs an HTTP expect), so
 * the HTTP request to Patroni is written as a raw tcp-check.
 */
function healthCheck(role: 'primary' | 'replica'): string[] {
	return [
		'option tcp-check',
		'tcp-check comment "PgBouncer answers on the node"',
		`tcp-check connect port ${ports.pgbouncer}`,
		`tcp-check send-binary ${sslRequest}`,
		'tcp-check expect binary 4e',
		`tcp-check comment "Patroni reports the node as ${role}"`,
		`tcp-check connect port ${ports.patroniApi}`,
		`tcp-check send "OPTIONS /${role} HTTP/1.0\\r\\n\\r\\n"`,
		'tcp-check expect rstring ^HTTP/1\\.[01]\\ 200',
		// After a start or reload HAProxy counts every server UP until its first check, which fastinter brings within 200 ms
		// (otherwise up to 3 s of writes could reach a replica); it also takes a failed leader out faster.
		'default-server inter 3s fastinter 200ms fall 3 rise 2 on-marked-down shutdown-sessions',
	];
}

/** /etc/haproxy/haproxy.cfg, the same on both balancers. */
export function renderHaproxy(answers: Answers): ManagedFile {
	const {vip} = answers.network;
	const servers = hostsWithRole(answers, 'postgres').map(
		h => `server ${h.name} ${h.ip}:${ports.pgbouncer} maxconn 100 check port ${ports.patroniApi}`,
	);
	const section = (title: string, lines: string[]) => [title, ...lines.map(line => `\t${line}`), ''];
	const content = [
		`# Managed by pgha: balancer of cluster ${answers.cluster.name}`,
		...section('global', [
			'log /dev/log local0',
			'maxconn 1000',
			'chroot /var/lib/haproxy',
			`stats socket ${locations.haproxySocket} mode 660 level admin`,
			'user haproxy',
			'group haproxy',
			'daemon',
		]),
		...section('defaults', [
			'log global',
			'mode tcp',
			'retries 2',
			'timeout client 30m',
			'timeout server 30m',
			'timeout connect 4s',
			'timeout check 5s',
		]),
		...section('listen stats', ['mode http', `bind *:${ports.haproxyStats}`, 'stats enable', 'stats uri /']),
		...section('listen primary', [`bind ${vip}:${ports.readWrite}`, ...healthCheck('primary'), ...servers]),
		...section('listen replicas', [`bind ${vip}:${ports.readOnly}`, 'balance roundrobin', ...healthCheck('replica'), ...servers]),
	].join('\n');
	return {
		path: locations.haproxyConfig,
		owner: 'root',
		group: 'root',
		mode: 0o644,
		content,
		secret: false,
		service: 'haproxy',
		onChange: 'reload',
	};
}

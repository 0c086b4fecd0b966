import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import {haproxyCheckTimeoutSeconds, haTiming, type HaproxyTiming} from '../../source/answers/ha-timing.js';
import {certificateNames, hostKeys, type ClusterKeys} from '../../source/keys/cluster-keys.js';

// PostgreSQL's SSLRequest (length 8, code 80877103). PgBouncer answers one byte,
// "S" when it is ready for TLS, so a reply proves the pooler itself works and
// speaks TLS, not just that its socket is open.
const sslRequest = '0000000804d2162f';

/** HAProxy's TLS files: the CA it checks Patroni against, and the stats page's certificate and key in one PEM. */
export const haproxyTls = {ca: `${locations.haproxyTlsDir}/ca.crt`, pem: `${locations.haproxyTlsDir}/stats.pem`} as const;

/** A duration as HAProxy writes it: whole seconds as 3s, anything else in ms. */
function duration(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The health check of one listen section: PgBouncer on the node must answer,
 * then Patroni's REST API must report the wanted role. `option httpchk` cannot
 * probe a non-HTTP port (every `http-check connect` needs an HTTP expect), so
 * the HTTP request to Patroni is written as a raw tcp-check.
 */
function healthCheck(role: 'primary' | 'replica', timing: HaproxyTiming): string[] {
	const {interMs, fastinterMs, downinterMs, fall, rise} = timing;
	return [
		'option tcp-check',
		'tcp-check comment "PgBouncer answers on the node"',
		`tcp-check connect port ${ports.pgbouncer}`,
		`tcp-check send-binary ${sslRequest}`,
		'tcp-check expect binary 53',
		`tcp-check comment "Patroni reports the node as ${role}"`,
		// HTTPS, the certificate checked against the cluster CA (ca-file and verify on default-server).
		`tcp-check connect port ${ports.patroniApi} ssl`,
		`tcp-check send "OPTIONS /${role} HTTP/1.0\\r\\n\\r\\n"`,
		'tcp-check expect rstring ^HTTP/1\\.[01]\\ 200',
		// The timing comes from ha.rto (ha-timing.ts). After a start or reload HAProxy counts every server UP until its
		// first check, which fastinter brings within a fraction of a second (otherwise up to one inter of writes could
		// reach a replica); it also takes a failed leader out faster, and downinter finds the new leader sooner.
		`default-server inter ${duration(interMs)} fastinter ${duration(fastinterMs)} downinter ${duration(downinterMs)} fall ${fall} rise ${rise} on-marked-down shutdown-sessions ca-file ${haproxyTls.ca} verify required`,
	];
}

/**
 * The servers' states HAProxy loads when it starts: none ("1" is the format's
 * version line alone). pgha's reload writes the live states in just before
 * and empties the file again after (steps.ts).
 */
export function renderServerState(): ManagedFile {
	return {path: locations.haproxyServerState, owner: 'root', group: 'root', mode: 0o644, content: '1\n', secret: false, onChange: 'none'};
}

/**
 * /etc/haproxy/haproxy.cfg of one balancer. The stats page is HTTPS with a
 * password, on the balancer's own address only (never the VIP).
 */
export function renderHaproxy(answers: Answers, host: HostAnswers): ManagedFile {
	const {vip} = answers.network;
	const timing = haTiming(answers).haproxy;
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
			// Filled just before pgha reloads HAProxy and emptied after (steps.ts): servers keep their states across the reload.
			`server-state-file ${locations.haproxyServerState}`,
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
			`timeout check ${haproxyCheckTimeoutSeconds}s`,
			'load-server-state-from-file global',
		]),
		...section('listen stats', [
			'mode http',
			`bind ${host.ip}:${ports.haproxyStats} ssl crt ${haproxyTls.pem}`,
			'stats enable',
			'stats uri /',
			'stats realm pgha',
			// Single quotes: HAProxy expands nothing inside them, and the schema refuses a quote in this password.
			`stats auth 'admin:${answers.passwords.haproxyStats ?? ''}'`,
		]),
		...section('listen primary', [`bind ${vip}:${ports.readWrite}`, ...healthCheck('primary', timing), ...servers]),
		...section('listen replicas', [`bind ${vip}:${ports.readOnly}`, 'balance roundrobin', ...healthCheck('replica', timing), ...servers]),
	].join('\n');
	if (!answers.passwords.haproxyStats) throw new Error('the HAProxy stats password is made before rendering');
	return {
		path: locations.haproxyConfig,
		owner: 'root',
		group: 'root',
		mode: 0o600,
		content,
		secret: true,
		service: 'haproxy',
		onChange: 'reload',
	};
}

/** The CA HAProxy checks Patroni's certificates against, and the stats page's certificate with its key. */
export function renderHaproxyTls(answers: Answers, host: HostAnswers, keys: ClusterKeys): ManagedFile[] {
	const pair = hostKeys(keys, host.name);
	const common = {owner: 'root', group: 'root', service: 'haproxy', onChange: 'reload' as const};
	return [
		{...common, path: haproxyTls.ca, mode: 0o644, content: keys.caCert, secret: false},
		{...common, path: haproxyTls.pem, mode: 0o600, content: `${pair.cert}${pair.key}`, secret: true, certificate: {caCert: keys.caCert, names: certificateNames(answers, host)}},
	];
}

import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {RenderFacts, ManagedFile} from '../kit/managed-file.js';
import {keepalivedScriptUser, locations} from '../kit/locations.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import {haTiming} from '../../source/answers/ha-timing.js';

/** Where the script that tells Keepalived HAProxy is ready lives. */
export const haproxyReadyScript = '/usr/local/lib/pgha/haproxy-ready';

/**
 * The script that tells Keepalived HAProxy is ready to take the VIP: it
 * answers on its socket and has checked every PostgreSQL node at least once.
 * A HAProxy just started counts every server up until its first check, so a
 * balancer that took the VIP back at that moment would send writes to a
 * replica. It runs as root because the socket is HAProxy's admin socket; it
 * only reads the statistics.
 */
export function renderHaproxyReady(answers: Answers): ManagedFile {
	const content = [
		'#!/bin/sh',
		`# Managed by pgha: Keepalived's check on the balancers of cluster ${answers.cluster.name}.`,
		'# Ready: HAProxy answers, and no PostgreSQL node is still waiting for its first check (INI).',
		`stats=$(echo 'show stat' | /usr/bin/socat -t 2 stdio unix-connect:${locations.haproxySocket} 2>/dev/null) || exit 1`,
		`printf '%s\n' "$stats" | /usr/bin/awk -F, '($1 == "primary" || $1 == "replicas") && $2 != "FRONTEND" && $2 != "BACKEND" { servers++; if ($37 ~ /INI/) unchecked++ } END { exit (servers > 0 && unchecked == 0) ? 0 : 1 }'`,
		'',
	].join('\n');
	return {path: haproxyReadyScript, owner: 'root', group: 'root', mode: 0o755, content, secret: false, onChange: 'none'};
}

/**
 * The VRRP priority of each balancer and the weight its HAProxy check adds:
 * the first in host order 101, each next one 1 lower. The weight is at least
 * the number of balancers, so any balancer whose HAProxy is ready outranks
 * every balancer whose HAProxy is not, whatever their order.
 */
export function vrrpPriorities(answers: Pick<Answers, 'hosts'>): {priorities: Map<string, number>; weight: number} {
	const balancers = hostsWithRole(answers, 'balancer');
	return {priorities: new Map(balancers.map((b, i) => [b.name, 101 - i])), weight: Math.max(4, balancers.length)};
}

/**
 * /etc/keepalived/keepalived.conf for one balancer: the first balancer in host
 * order starts as MASTER. Unicast VRRP to every other balancer, so a LAN that
 * filters multicast does not leave two holding the VIP. A sole balancer has no
 * peer: it names none and holds the VIP by itself (its advertisements go to
 * the VRRP multicast group, where no balancer of the cluster listens).
 */
export function renderKeepalived(answers: Answers, host: HostAnswers, facts: RenderFacts): ManagedFile {
	const balancers = hostsWithRole(answers, 'balancer');
	const first = balancers[0]?.name === host.name;
	const peers = balancers.filter(b => b.name !== host.name);
	const {priorities, weight} = vrrpPriorities(answers);
	const {vip, prefix, vrrpRouterId} = answers.network;
	// How often HAProxy is checked, how many results in a row change the balancer's weight, and the VRRP advertisement interval: from ha.rto.
	const timing = haTiming(answers).keepalived;
	// The password and interface name are limited by the schema to characters
	// Keepalived reads literally.
	const content = [
		`# Managed by pgha: VIP of cluster ${answers.cluster.name} on ${host.name}`,
		'global_defs {',
		'\tenable_script_security',
		`\tscript_user ${keepalivedScriptUser}`,
		'}',
		'',
		'vrrp_script chk_haproxy {',
		`\tscript "${haproxyReadyScript}"`,
		'\tuser root',
		`\tinterval ${timing.interval}`,
		`\tfall ${timing.fall}`,
		`\trise ${timing.rise}`,
		`\tweight ${weight}`,
		'}',
		'',
		'vrrp_instance VI_1 {',
		`\tstate ${first ? 'MASTER' : 'BACKUP'}`,
		`\tinterface ${facts.interface}`,
		`\tvirtual_router_id ${vrrpRouterId}`,
		`\tpriority ${priorities.get(host.name) ?? 100}`,
		`\tadvert_int ${timing.advertInt}`,
		'\tauthentication {',
		'\t\tauth_type PASS',
		`\t\tauth_pass ${answers.passwords.vrrp}`,
		'\t}',
		...(peers.length > 0 ? [`\tunicast_src_ip ${host.ip}`, '\tunicast_peer {', ...peers.map(p => `\t\t${p.ip}`), '\t}'] : []),
		'\tvirtual_ipaddress {',
		`\t\t${vip}/${prefix} dev ${facts.interface}`,
		'\t}',
		'\ttrack_script {',
		'\t\tchk_haproxy',
		'\t}',
		'}',
		'',
	].join('\n');
	return {
		path: locations.keepalivedConfig,
		owner: 'root',
		group: 'root',
		mode: 0o600,
		content,
		secret: true,
		service: 'keepalived',
		onChange: 'reload',
	};
}

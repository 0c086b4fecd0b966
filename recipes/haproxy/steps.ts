import type {Step} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import {locations} from '../kit/locations.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';

const socket = `/usr/bin/socat -t 2 stdio unix-connect:${locations.haproxySocket}`;
const workerPid = `echo 'show info' | ${socket} 2>/dev/null | awk -F': ' '$1 == "Pid" {print $2}'`;

/**
 * A saved state for each server the new config adds: DOWN, not yet checked.
 * HAProxy would count a server it has no state for UP until its first check,
 * so a node joining the cluster would take writes on 5000 for that moment.
 * Names, address and ports come from the config itself (HAProxy matches a
 * state by backend and server name, and applies the address it holds).
 */
const newServersDown = [
	`awk 'FNR == NR { if ($1 !~ /^#/ && NF > 3) seen[$2 " " $4] = 1; next }`,
	`$1 == "listen" || $1 == "backend" { be = $2 }`,
	`$1 == "server" && be != "" && !((be " " $2) in seen) { split($3, a, ":"); cp = 0; for (i = 4; i < NF; i++) if ($i == "port") cp = $(i + 1);`,
	`print "0 " be " 0 " $2 " " a[1] " 0 0 1 1 0 1 0 0 6 0 0 0 - " a[2] " - 0 " cp " - - 0" }'`,
	`${locations.haproxyServerState}.new ${locations.haproxyConfig}`,
].join(' ');

/**
 * A reload that keeps what HAProxy knows: the config is checked, the servers'
 * states are saved for the new worker (which would otherwise count every
 * server up until its first check and send writes to a replica), and once
 * the new worker answers the file is emptied again (render.ts), so no later
 * start reads stale states. A server the new config adds starts DOWN.
 */
export const haproxyReload = [
	'set -e',
	`haproxy -c -q -f ${locations.haproxyConfig}`,
	`old=$(${workerPid})`,
	`if echo 'show servers state' | ${socket} > ${locations.haproxyServerState}.new 2>/dev/null; then ${newServersDown} >> ${locations.haproxyServerState}.new 2>/dev/null || true; mv ${locations.haproxyServerState}.new ${locations.haproxyServerState}; else rm -f ${locations.haproxyServerState}.new; fi`,
	// A failed reload must not leave saved states for a later start to read.
	`systemctl reload haproxy || { printf '1\\n' > ${locations.haproxyServerState}; exit 1; }`,
	`for i in $(seq 50); do new=$(${workerPid}); if [ -n "$new" ] && [ "$new" != "$old" ]; then break; fi; sleep 0.1; done`,
	`printf '1\\n' > ${locations.haproxyServerState}`,
].join('\n');

/**
 * HAProxy on a balancer: the non-local bind sysctl (the backup must bind a VIP
 * it does not hold), its config (checked before every reload) and the service.
 */
export function haproxySteps(files: ManagedFile[]): Step[] {
	return [
		...files.map(fileStep),
		{
			name: 'sysctl net.ipv4.ip_nonlocal_bind=1',
			check: async ctx => (await ctx.run('sysctl -n net.ipv4.ip_nonlocal_bind', {quiet: true})).stdout.trim() === '1',
			apply: async ctx => void (await ctx.run('sysctl -q -w net.ipv4.ip_nonlocal_bind=1')),
		},
		serviceStep('haproxy', {reloadCommand: haproxyReload}),
	];
}

/**
 * The command that marks a member DOWN behind VIP:5000 on one balancer at
 * once, through the admin socket, instead of after HAProxy's next failing
 * checks. Its health checks carry on: they keep it down while it is no
 * primary, and bring it back up after `rise` passing checks if it still is.
 */
export function markPrimaryDownCommand(member: string): string {
	return `echo 'set server primary/${member} health down' | socat -t 2 stdio unix-connect:${locations.haproxySocket}`;
}

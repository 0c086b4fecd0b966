import type {ManagedFile} from '../kit/managed-file.js';
import {locations} from '../kit/locations.js';

/**
 * /etc/sysctl.d/90-pgha.conf on balancers: HAProxy on the BACKUP balancer must
 * bind the VIP it does not hold yet. No service reads it; apply it with
 * `sysctl -p /etc/sysctl.d/90-pgha.conf` (systemd-sysctl is skipped in containers).
 */
export function renderSysctl(): ManagedFile {
	return {
		path: locations.sysctlConfig,
		owner: 'root',
		group: 'root',
		mode: 0o644,
		content: '# Managed by pgha: let HAProxy bind the VIP before Keepalived moves it here\nnet.ipv4.ip_nonlocal_bind = 1\n',
		secret: false,
		onChange: 'none',
	};
}

import type {Mirrors} from '../bundle/machine-mirrors.js';
import {labNetwork} from './topology.js';

/** /etc/hosts of a lab host: itself and every other lab host, so no host needs DNS. */
export function hostsFile(self: string, hosts: ReadonlyArray<{name: string; ip: string}>): string {
	const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters', ''];
	for (const host of hosts) lines.push(`${host.ip}\t${host.name}${host.name === self ? ' # this host' : ''}`);
	return `${lines.join('\n')}\n`;
}

/** apt sends every request to the package cache on the bridge. */
export function aptProxyConf(): string {
	return `Acquire::http::Proxy "http://${labNetwork.bridgeIp}:${labNetwork.packageCachePort}";\n`;
}

/** The hosts' apt sources: the machine's own archives, reached through the cache. */
export function aptSources(mirrors: Mirrors, withSecurity: boolean): string {
	const stanza = (uri: string, suites: string) =>
		`Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
	const parts = [stanza(mirrors.debian, 'bookworm bookworm-updates')];
	if (withSecurity && mirrors.security) parts.push(stanza(mirrors.security, 'bookworm-security'));
	return parts.join('\n');
}

// Without DNS the resolver falls back to 127.0.0.1 and fails at once, instead
// of sending queries towards a nameserver the hosts must never reach.
/** /etc/resolv.conf of a lab host. */
export function resolvConf(): string {
	return '# The lab has no DNS: lab hosts are listed in /etc/hosts, packages come through the proxy.\n';
}

/** What apt-cacher-ng needs to know, all of it under the lab's own directories. */
export type PackageCacheConfig = {
	cacheDir: string;
	logDir: string;
	socket: string;
	pidFile: string;
	mirrors: Mirrors;
};

/** The URL prefix a client request must start with to be served from a backend. */
export function remapPattern(uri: string): string {
	return uri.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/**
 * acng.conf for the lab's own apt-cacher-ng. ForceManaged refuses every URL
 * that is not one of the two archives, so the hosts cannot use the cache to
 * reach anything else.
 */
export function packageCacheConf(config: PackageCacheConfig): string {
	const lines = [
		`CacheDir: ${config.cacheDir}`,
		`LogDir: ${config.logDir}`,
		'SupportDir: /usr/lib/apt-cacher-ng',
		`SocketPath: ${config.socket}`,
		`PidFile: ${config.pidFile}`,
		`BindAddress: ${labNetwork.bridgeIp}`,
		`Port: ${labNetwork.packageCachePort}`,
		'ForeGround: 1',
		'ForceManaged: 1',
		'ExThreshold: 4',
		`Remap-labdebian: ${remapPattern(config.mirrors.debian)} ; ${config.mirrors.debian}`,
	];
	if (config.mirrors.security) lines.push(`Remap-labsecurity: ${remapPattern(config.mirrors.security)} ; ${config.mirrors.security}`);
	return `${lines.join('\n')}\n`;
}

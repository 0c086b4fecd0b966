import {UserError} from '../errors.js';
import {exec, run} from './exec.js';
import {isLabNetName, labNetwork, netnsName, vethName} from './topology.js';

/** Names of the network namespaces that exist now. */
export async function listNetns(): Promise<string[]> {
	const out = await run('ip', ['netns', 'list']);
	return out
		.split('\n')
		.map(line => line.trim().split(/\s+/)[0] ?? '')
		.filter(Boolean);
}

/** Names of the machine's links that exist now (without their @peer suffix). */
export async function listLinks(): Promise<string[]> {
	const out = await run('ip', ['-o', 'link', 'show']);
	return out
		.split('\n')
		.map(line => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
		.filter(Boolean);
}

/**
 * Refuses to start when the machine already routes the lab subnet through
 * something else: the lab must never shadow a real network.
 */
export async function checkSubnetFree(): Promise<void> {
	const out = await run('ip', ['-4', '-o', 'route', 'show', 'table', 'all']);
	for (const line of out.split('\n')) {
		if (!line.trim() || line.includes(`dev ${labNetwork.bridge}`)) continue;
		const destination = routeDestination(line);
		if (destination && overlapsLab(destination))
			throw new UserError(`the machine already has a route to ${destination} (${line.trim()}), which overlaps the lab subnet ${labNetwork.cidr}; the lab will not shadow it`);
	}
}

const routeTypes = new Set(['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast']);

/** The destination of an `ip route` line (an address or CIDR), or undefined for default routes. */
export function routeDestination(line: string): string | undefined {
	const words = line.trim().split(/\s+/);
	const destination = routeTypes.has(words[0] ?? '') ? words[1] : words[0];
	return destination && /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(destination) ? destination : undefined;
}

/** True when a destination (address or CIDR) overlaps the lab's /24. */
export function overlapsLab(destination: string): boolean {
	const [address = '', bits = '32'] = destination.split('/');
	const prefix = Number(bits);
	if (prefix === 0) return false;
	const toNumber = (ip: string) => ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
	const shorter = Math.min(prefix, labNetwork.prefix);
	const size = 2 ** (32 - shorter);
	return Math.floor(toNumber(address) / size) === Math.floor(toNumber(labNetwork.bridgeIp) / size);
}

/** The bridge every host's veth joins; the machine's only address on it is the bridge address. */
export async function createBridge(): Promise<void> {
	const {bridge, bridgeIp, prefix} = labNetwork;
	await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
	await run('ip', ['addr', 'add', `${bridgeIp}/${prefix}`, 'dev', bridge]);
	await run('ip', ['link', 'set', bridge, 'up']);
}

/** Removes the bridge if it exists. */
export async function deleteBridge(): Promise<void> {
	await deleteLink(labNetwork.bridge);
}

/**
 * A host's network: its own namespace with lo, and eth0 holding its address,
 * a veth whose other end sits in the bridge. With a package cache the default
 * route points at the bridge address, where nothing but the cache answers;
 * without one the host has no route beyond the lab subnet at all.
 */
export async function createHostNetwork(name: string, ip: string, defaultRoute = true): Promise<void> {
	const ns = netnsName(name);
	const veth = vethName(ip);
	await run('ip', ['netns', 'add', ns]);
	await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
	await run('ip', ['link', 'set', veth, 'master', labNetwork.bridge]);
	await run('ip', ['link', 'set', veth, 'up']);
	await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
	await run('ip', ['-n', ns, 'addr', 'add', `${ip}/${labNetwork.prefix}`, 'dev', 'eth0']);
	await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
	if (defaultRoute) await run('ip', ['-n', ns, 'route', 'add', 'default', 'via', labNetwork.bridgeIp]);
}

/**
 * Plugs a host's cable in or pulls it out: its veth's bridge end goes up or
 * down. Pulled out, the host's address answers nothing (not even ARP), as a
 * machine that lost power does, instead of refusing connections.
 */
export async function setHostLink(ip: string, state: 'up' | 'down'): Promise<void> {
	await run('ip', ['link', 'set', vethName(ip), state]);
}

/** True when the host's namespace exists and its veth is in the bridge. */
export async function hostNetworkExists(name: string, ip: string): Promise<boolean> {
	const [namespaces, links] = await Promise.all([listNetns(), listLinks()]);
	return namespaces.includes(netnsName(name)) && links.includes(vethName(ip));
}

/** Removes a host's veth and namespace, whichever of them exist. */
export async function deleteHostNetwork(name: string, ip: string): Promise<void> {
	await deleteLink(vethName(ip));
	await deleteNetns(netnsName(name));
}

/** Removes a lab link (and with a veth, its peer) if it exists. */
export async function deleteLink(link: string): Promise<void> {
	if (!isLabNetName(link)) throw new Error(`refusing to delete ${link}: not a lab link`);
	if (!(await listLinks()).includes(link)) return;
	const result = await exec('ip', ['link', 'del', link]);
	if (result.code !== 0 && (await listLinks()).includes(link)) throw new Error(`could not delete link ${link}: ${result.stderr.trim()}`);
}

/** Removes a lab namespace if it exists. */
export async function deleteNetns(ns: string): Promise<void> {
	if (!isLabNetName(ns)) throw new Error(`refusing to delete namespace ${ns}: not a lab namespace`);
	if (!(await listNetns()).includes(ns)) return;
	const result = await exec('ip', ['netns', 'del', ns]);
	if (result.code !== 0 && (await listNetns()).includes(ns)) throw new Error(`could not delete namespace ${ns}: ${result.stderr.trim()}`);
}

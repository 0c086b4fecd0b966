import type {Role} from '../answers/schema.js';
import {compactLayout, largeLayout, seedLayout, type LayoutHost} from '../answers/layouts.js';

/**
 * The lab's addresses. One private /24 that lives only on the lab bridge and
 * inside the hosts' namespaces; the bridge end is the hosts' only way out and
 * it leads nowhere but the package cache.
 */
export const labNetwork = {
	prefix: 24,
	base: '10.131.0',
	cidr: '10.131.0.0/24',
	bridge: 'pgha-br0',
	bridgeIp: '10.131.0.254',
	vip: '10.131.0.56',
	packageCachePort: 3142,
	vrrpRouterId: 51,
} as const;

export const topologyNames = ['seed', 'compact', 'large'] as const;
export type TopologyName = (typeof topologyNames)[number];

/** One lab host as the topology defines it; hosts added later have no roles. */
export type LabHostSpec = {name: string; ip: string; roles: Role[]};

// The seed's last octets are kept so addresses read the same as in its documents.
// The large topology's tell the role: postgres .21-.27, etcd .31-.35, haproxy
// .41-.42, the repository .51; all below the VIP (.56), so a host `lab add`
// starts takes the lowest free address (.1) as it does on compact.
const octets: Record<TopologyName, number[]> = {
	seed: [1, 2, 3, 4, 7, 8, 5, 6, 9],
	compact: [11, 12, 13],
	large: [21, 22, 23, 24, 25, 26, 27, 31, 32, 33, 34, 35, 41, 42, 51],
};
const layouts: Record<TopologyName, readonly LayoutHost[]> = {seed: seedLayout, compact: compactLayout, large: largeLayout};

/** The topology names for messages: "seed, compact or large". */
export function topologyChoices(): string {
	return `${topologyNames.slice(0, -1).join(', ')} or ${topologyNames.at(-1)}`;
}

/** True for a topology name the lab knows. */
export function isTopologyName(value: string): value is TopologyName {
	return (topologyNames as readonly string[]).includes(value);
}

/** The hosts of a topology, with their lab addresses. */
export function topologyHosts(topology: TopologyName): LabHostSpec[] {
	return layouts[topology].map((host, i) => ({name: host.name, ip: labIp(octets[topology][i]!), roles: [...host.roles]}));
}

/** The cluster name the lab's answer file uses. */
export function labClusterName(topology: TopologyName): string {
	return topology === 'seed' ? 'lab' : `lab-${topology}`;
}

/** The lab address with this last octet. */
export function labIp(octet: number): string {
	return `${labNetwork.base}.${octet}`;
}

/** The last octet of a lab address, or undefined when it is not one. */
export function labOctet(ip: string): number | undefined {
	const prefix = `${labNetwork.base}.`;
	if (!ip.startsWith(prefix)) return undefined;
	const rest = ip.slice(prefix.length);
	if (!/^(0|[1-9]\d{0,2})$/.test(rest)) return undefined;
	const octet = Number(rest);
	return octet <= 255 ? octet : undefined;
}

/** Why an address cannot be given to a new host, or undefined when it can. */
export function labIpProblem(ip: string, used: readonly string[]): string | undefined {
	const octet = labOctet(ip);
	if (octet === undefined) return `${ip} is not in the lab subnet ${labNetwork.cidr}`;
	if (octet === 0 || octet === 255) return `${ip} is the ${octet === 0 ? 'network' : 'broadcast'} address of ${labNetwork.cidr}`;
	if (ip === labNetwork.bridgeIp) return `${ip} is the lab bridge (the package cache)`;
	if (ip === labNetwork.vip) return `${ip} is the lab's VIP`;
	if (used.includes(ip)) return `${ip} is already used by a lab host`;
	return undefined;
}

/** The lowest lab address no host, the bridge or the VIP uses. */
export function nextFreeIp(used: readonly string[]): string | undefined {
	for (let octet = 1; octet < 254; octet++) {
		const ip = labIp(octet);
		if (!labIpProblem(ip, used)) return ip;
	}
	return undefined;
}

const hostNamePattern = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** Why a name cannot be given to a new host, or undefined when it can. */
export function labHostNameProblem(name: string, existing: readonly string[]): string | undefined {
	if (!hostNamePattern.test(name)) return `"${name}" is not a valid host name; use letters, digits and inner hyphens, at most 63 characters`;
	if (existing.some(other => other.toLowerCase() === name.toLowerCase())) return `a lab host named "${name}" already exists`;
	return undefined;
}

/** The network namespace of a host (also its file in /run/netns). */
export function netnsName(host: string): string {
	return `pgha-${host}`;
}

// Interface names stop at 15 characters, so the machine's end of a host's
// veth is named after its address rather than its name.
/** The machine's end of a host's veth pair. */
export function vethName(ip: string): string {
	const octet = labOctet(ip);
	if (octet === undefined) throw new Error(`${ip} is not a lab address`);
	return `pgha-v${octet}`;
}

/** True for the names of links and namespaces the lab creates. */
export function isLabNetName(name: string): boolean {
	return name.startsWith('pgha-');
}

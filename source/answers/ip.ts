/** The 32-bit value of a dotted IPv4 address. */
export function ipToNumber(ip: string): number {
	return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** The dotted form of a 32-bit value. */
export function numberToIp(n: number): string {
	return [24, 16, 8, 0].map(shift => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Network and broadcast of the subnet an address lies in. */
export function subnetOf(ip: string, prefix: number): {network: number; broadcast: number; cidr: string} {
	const size = 2 ** (32 - prefix);
	const network = Math.floor(ipToNumber(ip) / size) * size;
	return {network, broadcast: network + size - 1, cidr: `${numberToIp(network)}/${prefix}`};
}

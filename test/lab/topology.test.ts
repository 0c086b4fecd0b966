import {describe, expect, it} from 'vitest';
import {
	isLabNetName,
	labClusterName,
	labHostNameProblem,
	labIpProblem,
	labNetwork,
	labOctet,
	netnsName,
	nextFreeIp,
	topologyHosts,
	vethName,
} from '../../source/lab/topology.js';

describe('topologyHosts', () => {
	it('gives the seed its nine hosts with the seed addresses, in the lab subnet', () => {
		const hosts = topologyHosts('seed');
		expect(hosts.map(h => `${h.name}=${h.ip}`)).toEqual([
			'postgres1=10.131.0.1',
			'postgres2=10.131.0.2',
			'postgres3=10.131.0.3',
			'etcd1=10.131.0.4',
			'etcd2=10.131.0.7',
			'etcd3=10.131.0.8',
			'haproxy1=10.131.0.5',
			'haproxy2=10.131.0.6',
			'pgbackrestRepo=10.131.0.9',
		]);
		expect(hosts.filter(h => h.roles.includes('etcd'))).toHaveLength(3);
		expect(hosts.filter(h => h.roles.includes('balancer')).map(h => h.name)).toEqual(['haproxy1', 'haproxy2']);
		expect(hosts.find(h => h.name === 'pgbackrestRepo')?.roles).toEqual(['backup']);
	});

	it('gives compact three hosts that share the roles', () => {
		expect(topologyHosts('compact')).toEqual([
			{name: 'node1', ip: '10.131.0.11', roles: ['postgres', 'etcd', 'balancer']},
			{name: 'node2', ip: '10.131.0.12', roles: ['postgres', 'etcd', 'balancer']},
			{name: 'node3', ip: '10.131.0.13', roles: ['postgres', 'etcd', 'backup']},
		]);
	});

	it('returns fresh arrays, so callers cannot change the topology', () => {
		topologyHosts('compact')[0]!.roles.push('backup');
		expect(topologyHosts('compact')[0]!.roles).toEqual(['postgres', 'etcd', 'balancer']);
	});

	it('names the cluster after the topology', () => {
		expect(labClusterName('seed')).toBe('lab');
		expect(labClusterName('compact')).toBe('lab-compact');
	});

	it('keeps the VIP and the bridge out of every topology', () => {
		for (const topology of ['seed', 'compact'] as const) {
			const ips = topologyHosts(topology).map(h => h.ip);
			expect(ips).not.toContain(labNetwork.vip);
			expect(ips).not.toContain(labNetwork.bridgeIp);
		}
	});
});

describe('addresses', () => {
	it('reads the last octet of lab addresses only', () => {
		expect(labOctet('10.131.0.9')).toBe(9);
		expect(labOctet('10.131.0.254')).toBe(254);
		expect(labOctet('10.131.1.9')).toBeUndefined();
		expect(labOctet('10.131.0.256')).toBeUndefined();
		expect(labOctet('10.131.0.09')).toBeUndefined();
		expect(labOctet('110.131.0.9')).toBeUndefined();
	});

	it('picks the lowest free address, skipping hosts, VIP and bridge', () => {
		expect(nextFreeIp(topologyHosts('seed').map(h => h.ip))).toBe('10.131.0.10');
		expect(nextFreeIp(topologyHosts('compact').map(h => h.ip))).toBe('10.131.0.1');
		const upTo55 = Array.from({length: 55}, (_, i) => `10.131.0.${i + 1}`);
		expect(nextFreeIp(upTo55)).toBe('10.131.0.57');
		const all = Array.from({length: 253}, (_, i) => `10.131.0.${i + 1}`);
		expect(nextFreeIp(all)).toBeUndefined();
	});

	it('refuses addresses a new host cannot have', () => {
		expect(labIpProblem('192.168.1.5', [])).toMatch(/not in the lab subnet/);
		expect(labIpProblem('10.131.0.0', [])).toMatch(/network address/);
		expect(labIpProblem('10.131.0.255', [])).toMatch(/broadcast address/);
		expect(labIpProblem('10.131.0.254', [])).toMatch(/bridge/);
		expect(labIpProblem('10.131.0.56', [])).toMatch(/VIP/);
		expect(labIpProblem('10.131.0.11', ['10.131.0.11'])).toMatch(/already used/);
		expect(labIpProblem('10.131.0.20', ['10.131.0.11'])).toBeUndefined();
	});

	it('refuses bad or duplicate host names', () => {
		expect(labHostNameProblem('extra', ['node1'])).toBeUndefined();
		expect(labHostNameProblem('Node1', ['node1'])).toMatch(/already exists/);
		expect(labHostNameProblem('-bad', [])).toMatch(/not a valid host name/);
		expect(labHostNameProblem('a b', [])).toMatch(/not a valid host name/);
	});
});

describe('names on the machine', () => {
	it('prefixes namespaces and links so the lab can find its own', () => {
		expect(netnsName('postgres1')).toBe('pgha-postgres1');
		expect(vethName('10.131.0.9')).toBe('pgha-v9');
		expect(isLabNetName(labNetwork.bridge)).toBe(true);
		expect(isLabNetName('eth0')).toBe(false);
	});

	it('keeps veth names within the 15 characters Linux allows', () => {
		expect(vethName('10.131.0.253').length).toBeLessThanOrEqual(15);
		expect(() => vethName('192.168.0.1')).toThrow(/not a lab address/);
	});
});

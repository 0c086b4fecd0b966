import {describe, expect, it} from 'vitest';
import {
	isLabNetName,
	isTopologyName,
	labClusterName,
	labHostNameProblem,
	labIpProblem,
	labNetwork,
	labOctet,
	netnsName,
	nextFreeIp,
	topologyChoices,
	topologyHosts,
	topologyNames,
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

	it('gives large fifteen hosts, one role each: 7 postgres, 5 etcd, 2 balancers, 1 repository', () => {
		const hosts = topologyHosts('large');
		expect(hosts).toHaveLength(15);
		const named = (role: string) => hosts.filter(h => h.roles.includes(role as never)).map(h => h.name);
		expect(named('postgres')).toEqual(['postgres1', 'postgres2', 'postgres3', 'postgres4', 'postgres5', 'postgres6', 'postgres7']);
		expect(named('etcd')).toEqual(['etcd1', 'etcd2', 'etcd3', 'etcd4', 'etcd5']);
		expect(named('balancer')).toEqual(['haproxy1', 'haproxy2']);
		expect(named('backup')).toEqual(['pgbackrestRepo']);
		for (const host of hosts) expect(host.roles, host.name).toHaveLength(1);
		expect(hosts.map(h => `${h.name}=${h.ip}`)).toEqual([
			'postgres1=10.131.0.21',
			'postgres2=10.131.0.22',
			'postgres3=10.131.0.23',
			'postgres4=10.131.0.24',
			'postgres5=10.131.0.25',
			'postgres6=10.131.0.26',
			'postgres7=10.131.0.27',
			'etcd1=10.131.0.31',
			'etcd2=10.131.0.32',
			'etcd3=10.131.0.33',
			'etcd4=10.131.0.34',
			'etcd5=10.131.0.35',
			'haproxy1=10.131.0.41',
			'haproxy2=10.131.0.42',
			'pgbackrestRepo=10.131.0.51',
		]);
	});

	it('returns fresh arrays, so callers cannot change the topology', () => {
		topologyHosts('compact')[0]!.roles.push('backup');
		expect(topologyHosts('compact')[0]!.roles).toEqual(['postgres', 'etcd', 'balancer']);
	});

	it('names the cluster after the topology', () => {
		expect(labClusterName('seed')).toBe('lab');
		expect(labClusterName('compact')).toBe('lab-compact');
		expect(labClusterName('large')).toBe('lab-large');
	});

	it('knows the three topologies by name, and names them in messages', () => {
		expect(topologyNames).toEqual(['seed', 'compact', 'large']);
		for (const name of topologyNames) expect(isTopologyName(name)).toBe(true);
		expect(isTopologyName('huge')).toBe(false);
		expect(isTopologyName('')).toBe(false);
		expect(topologyChoices()).toBe('seed, compact or large');
	});

	it('keeps the VIP and the bridge out of every topology', () => {
		for (const topology of topologyNames) {
			const ips = topologyHosts(topology).map(h => h.ip);
			expect(ips).not.toContain(labNetwork.vip);
			expect(ips).not.toContain(labNetwork.bridgeIp);
		}
	});

	it('gives every host of every topology its own usable address in the lab subnet, and a unique name', () => {
		for (const topology of topologyNames) {
			const hosts = topologyHosts(topology);
			expect(new Set(hosts.map(h => h.ip)).size, topology).toBe(hosts.length);
			expect(new Set(hosts.map(h => h.name.toLowerCase())).size, topology).toBe(hosts.length);
			for (const host of hosts) {
				const others = hosts.filter(h => h !== host);
				expect(labIpProblem(host.ip, others.map(h => h.ip)), `${topology} ${host.name}`).toBeUndefined();
				expect(labHostNameProblem(host.name, others.map(h => h.name)), `${topology} ${host.name}`).toBeUndefined();
				expect(vethName(host.ip).length).toBeLessThanOrEqual(15);
			}
		}
	});

	it('leaves room for the hosts the tests and the bench add (lab add picks the lowest free address)', () => {
		for (const topology of topologyNames) {
			const used = topologyHosts(topology).map(h => h.ip);
			const first = nextFreeIp(used)!;
			expect(labIpProblem(first, used), topology).toBeUndefined();
			// A second added host (an outsider beside an added replica) still finds an address.
			const second = nextFreeIp([...used, first])!;
			expect(labIpProblem(second, [...used, first]), topology).toBeUndefined();
			expect(second).not.toBe(first);
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
		expect(nextFreeIp(topologyHosts('large').map(h => h.ip))).toBe('10.131.0.1');
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

import {describe, expect, it} from 'vitest';
import {checkRules, warnings} from '../../source/answers/rules.js';
import type {Answers} from '../../source/answers/schema.js';
import {example} from './fixtures.js';

type Host = Answers['hosts'][number];
const seed = () => structuredClone(example('seed-topology'));
const problems = (answers: Answers) => checkRules(answers).map(p => `${p.path}: ${p.message}`);

describe('checkRules', () => {
	it('finds nothing wrong with either example', () => {
		expect(checkRules(example('seed-topology'))).toEqual([]);
		expect(checkRules(example('compact'))).toEqual([]);
	});

	it.each<[string, (a: Answers) => void, RegExp, number?]>([
		['duplicate names (case-insensitive)', a => (a.hosts[1]!.name = 'POSTGRES1'), /^hosts\[1\]\.name: "POSTGRES1" is already used by hosts\[0\]/],
		['duplicate addresses', a => (a.hosts[2]!.ip = '192.168.100.1'), /^hosts\[2\]\.ip: 192\.168\.100\.1 is already used by hosts\[0\]/],
		['a role listed twice', a => (a.hosts[0]!.roles = ['postgres', 'postgres']), /^hosts\[0\]\.roles: lists "postgres" twice/],
		['a loopback host address', a => (a.hosts[3]!.ip = '127.0.0.5'), /^hosts\[3\]\.ip: 127\.0\.0\.5 is not a unicast host address/],
		['one etcd member', a => (a.hosts = a.hosts.filter(h => !['etcd2', 'etcd3'].includes(h.name))), /^hosts: has 1 etcd member\(s\); etcd needs at least 3 .*2 more host/],
		['two etcd members', a => (a.hosts = a.hosts.filter(h => h.name !== 'etcd3')), /^hosts: has 2 etcd member\(s\); etcd needs at least 3 \(3 tolerate 1 failure, 5 tolerate 2\): give the etcd role to 1 more host\(s\)$/],
		['one postgres host', a => (a.hosts = a.hosts.filter(h => !['postgres2', 'postgres3'].includes(h.name))), /^hosts: has 1 postgres host\(s\)/],
		['no balancer', a => (a.hosts = a.hosts.filter(h => !h.roles.includes('balancer'))), /^hosts: has 0 balancers; the VIP needs a balancer to hold it, .*: give the balancer role to 2 hosts$/],
		['two backup hosts', a => a.hosts.push({name: 'repo2', ip: '192.168.100.10', roles: ['backup']}), /^hosts: has 2 backup hosts/],
		['a VIP outside the balancers\' subnet', a => (a.network.vip = '192.168.101.56'), /^network\.vip: 192\.168\.101\.56\/24 is not in the subnet of balancer haproxy[12] /, 2],
		['a VIP equal to a host', a => (a.network.vip = '192.168.100.9'), /^network\.vip: 192\.168\.100\.9 is the address of hosts\[8\]/],
		['a VIP on the network address', a => (a.network.vip = '192.168.100.0'), /^network\.vip: .*network address/],
		['a VIP on the broadcast address', a => (a.network.vip = '192.168.100.255'), /^network\.vip: .*broadcast address/],
		['a host on the broadcast address', a => (a.hosts[8]!.ip = '192.168.100.255'), /^hosts\[8\]\.ip: 192\.168\.100\.255 is the broadcast address/],
		['a differential retention without a schedule', a => ((a.backup.differential = undefined as never), (a.backup.retentionDiff = 3)), /^backup\.retentionDiff: is set but no differential schedule/],
	])('reports %s', (_what, mutate, expected, count = 1) => {
		const answers = seed();
		mutate(answers);
		// The mutation breaks exactly this rule (once per place it applies to), and nothing else.
		const found = problems(answers);
		expect(found, found.join('\n')).toHaveLength(count);
		for (const problem of found) expect(problem).toMatch(expected);
	});

	it.each<[string, (a: Answers) => void]>([
		['4 etcd members', a => a.hosts.push({name: 'etcd4', ip: '192.168.100.10', roles: ['etcd']})],
		['6 etcd members', a => a.hosts.push(...[10, 11, 12].map(last => ({name: `etcd${last - 6}`, ip: `192.168.100.${last}`, roles: ['etcd' as const]})))],
		['1 balancer', a => (a.hosts = a.hosts.filter(h => h.name !== 'haproxy2'))],
		['3 balancers', a => a.hosts.push({name: 'haproxy3', ip: '192.168.100.10', roles: ['balancer']})],
		['4 balancers', a => a.hosts.push(...[10, 11].map(last => ({name: `haproxy${last - 7}`, ip: `192.168.100.${last}`, roles: ['balancer' as const]})))],
	])('accepts %s', (_what, mutate) => {
		const answers = seed();
		mutate(answers);
		expect(problems(answers)).toEqual([]);
	});

	it('reports every broken rule at once', () => {
		const answers = seed();
		answers.hosts = answers.hosts.filter((h: Host) => h.roles.includes('postgres')).slice(0, 1);
		expect(problems(answers)).toEqual([
			expect.stringMatching(/^hosts: has 0 etcd member\(s\); etcd needs at least 3 .*give the etcd role to 3 more host\(s\)$/),
			expect.stringMatching(/^hosts: has 1 postgres host\(s\); a highly available cluster needs at least 2/),
			expect.stringMatching(/^hosts: has 0 balancers; the VIP needs a balancer/),
		]);
	});
});

describe('warnings', () => {
	it('says nothing about the seed layout', () => {
		expect(warnings(example('seed-topology'))).toEqual([]);
	});

	it('notes a missing backup host, shared etcd hosts and a two-node cluster', () => {
		const answers = seed();
		answers.hosts = answers.hosts.filter(h => !['pgbackrestRepo', 'postgres3'].includes(h.name));
		answers.hosts[0]!.roles = ['postgres', 'etcd'];
		const found = warnings(answers).join('\n');
		expect(found).toMatch(/No backup host/);
		expect(found).toMatch(/etcd shares 1 host/);
		expect(found).toMatch(/Only 2 PostgreSQL nodes/);
		expect(found).not.toMatch(/Synchronous/);
	});

	it('notes that an even number of etcd members tolerates no more failures than one fewer', () => {
		const four = seed();
		four.hosts.push({name: 'etcd4', ip: '192.168.100.10', roles: ['etcd']});
		expect(warnings(four)).toEqual([
			'4 etcd members tolerate 1 failure, as 3 do: a majority of 4 is 3, so the 4th member adds a host that can fail without adding a failure the cluster survives; give the etcd role to 3 or 5 hosts.',
		]);
		const six = seed();
		six.hosts.push(...[10, 11, 12].map(last => ({name: `etcd${last - 6}`, ip: `192.168.100.${last}`, roles: ['etcd' as const]})));
		expect(warnings(six)).toEqual([
			'6 etcd members tolerate 2 failures, as 5 do: a majority of 6 is 4, so the 6th member adds a host that can fail without adding a failure the cluster survives; give the etcd role to 5 or 7 hosts.',
		]);
		const five = seed();
		five.hosts.push(...[10, 11].map(last => ({name: `etcd${last - 6}`, ip: `192.168.100.${last}`, roles: ['etcd' as const]})));
		expect(warnings(five)).toEqual([]);
	});

	it('notes that a single balancer leaves the VIP without a standby; 3 balancers say nothing', () => {
		const one = seed();
		one.hosts = one.hosts.filter(h => h.name !== 'haproxy2');
		expect(warnings(one)).toEqual([
			'1 balancer (haproxy1): the VIP 192.168.100.56 has no standby; if that host fails, clients lose the VIP until it returns. Give the balancer role to a second host for one to take over.',
		]);
		const three = seed();
		three.hosts.push({name: 'haproxy3', ip: '192.168.100.10', roles: ['balancer']});
		expect(warnings(three)).toEqual([]);
	});

	it('notes that synchronous commits that wait stop writes on a two-node cluster while either node is down', () => {
		const answers = seed();
		answers.hosts = answers.hosts.filter(h => h.name !== 'postgres3');
		answers.ha = {durability: 'synchronous', rto: 'normal'};
		expect(warnings(answers)).toContain('Synchronous commits that wait, on 2 PostgreSQL nodes: while either node is down, writes wait until it returns.');
		answers.ha = {durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'normal'};
		expect(warnings(answers).join('\n')).not.toMatch(/Synchronous/);
		// With three nodes one may be down and another still confirms.
		const three = seed();
		three.ha = {durability: 'synchronous', rto: 'normal'};
		expect(warnings(three)).toEqual([]);
	});
});

import {describe, expect, test} from 'vitest';
import {describeUpgrade, hasWork, restartsFor, type HostUpgrade} from '../../source/upgrade/plan.js';
import {hostServices} from '../../recipes/index.js';
import {findHost} from '../../source/answers/hosts.js';
import {example} from '../answers/fixtures.js';

const seed = example('seed-topology');
const services = (name: string) => hostServices(seed, findHost(seed, name));
const server = {name: 'postgresql-15', stale: false};

describe('restartsFor', () => {
	test('a new server restarts PostgreSQL alone; a new Patroni restarts Patroni, which restarts the server with it', () => {
		expect(restartsFor(services('postgres1'), [{name: 'postgresql-15', from: 'a', to: 'b'}], new Set(), server)).toEqual(['PostgreSQL']);
		expect(restartsFor(services('postgres1'), [{name: 'postgresql-15', from: 'a', to: 'b'}, {name: 'patroni', from: 'a', to: 'b'}], new Set(), server)).toEqual(['patroni']);
	});

	test('a package no running service uses restarts nothing; one a balancer runs restarts it', () => {
		expect(restartsFor(services('pgbackrestRepo'), [{name: 'jq', from: 'a', to: 'b'}], new Set(), {name: '', stale: false})).toEqual([]);
		expect(restartsFor(services('haproxy1'), [{name: 'haproxy', from: 'a', to: 'b'}], new Set(), {name: '', stale: false})).toEqual(['haproxy']);
	});

	test('a service already running older code than installed (an upgrade stopped half way) restarts without a package change', () => {
		expect(restartsFor(services('etcd1'), [], new Set(['etcd']), {name: '', stale: false})).toEqual(['etcd']);
		expect(restartsFor(services('postgres2'), [], new Set(), {...server, stale: true})).toEqual(['PostgreSQL']);
	});
});

describe('describeUpgrade', () => {
	const host = (name: string, changes: HostUpgrade['changes'], restarts: string[]): [string, HostUpgrade] => [name, {host: findHost(seed, name), changes, restarts}];
	const pg = [{name: 'postgresql-15', from: '15.18-0+deb12u1', to: '15.20-0+deb12u1'}];
	const hosts = new Map([
		['postgres1', {host: findHost(seed, 'postgres1'), changes: pg, dependencies: [{name: 'libpq5', from: '15.18-0+deb12u1', to: '15.20-0+deb12u1'}], restarts: ['PostgreSQL']}] as [string, HostUpgrade],
		host('postgres2', pg, ['PostgreSQL']),
		host('haproxy1', [{name: 'haproxy', from: '2.6.12-1+deb12u3', to: '2.6.12-1+deb12u4'}], ['haproxy']),
		host('etcd1', [], []),
	]);
	const lines = describeUpgrade({cluster: 'prod', source: 'the bundle b.tar', vip: '10.0.0.5', order: ['etcd1', 'postgres2', 'postgres1', 'haproxy1'], hosts, leader: 'postgres1', vipHolder: 'haproxy1', pins: 16});

	test('each host with work in order, with its version changes and what restarts', () => {
		expect(lines[0]).toBe('upgrade of cluster "prod" to the newest versions in the bundle b.tar: the packages on every host at once (nothing restarts), then one host at a time:');
		expect(lines).toContain('  1. postgres2 (replica): postgresql-15 15.18-0+deb12u1 -> 15.20-0+deb12u1');
		expect(lines).toContain('  2. postgres1 (leads): postgresql-15 15.18-0+deb12u1 -> 15.20-0+deb12u1');
		expect(lines).toContain('  3. haproxy1 (holds the VIP): haproxy 2.6.12-1+deb12u3 -> 2.6.12-1+deb12u4');
		expect(lines).toContain('  already on the new versions: etcd1');
	});

	test('what apt moves with the packages is listed under them', () => {
		const leader = lines.findIndex(l => l.includes('postgres1 (leads)'));
		expect(lines[leader + 1]).toBe('     with what they depend on: libpq5 15.18-0+deb12u1 -> 15.20-0+deb12u1');
	});

	test('the leader is said to switch over first; the VIP holder hands the VIP over first', () => {
		const leader = lines.findIndex(l => l.includes('postgres1 (leads)'));
		expect(lines[leader + 2]).toBe('     a switchover to a healthy replica first: writes through 10.0.0.5:5000 pause for a few seconds');
		expect(lines.find(l => l.includes('restarts haproxy'))).toContain('Keepalived stops here first');
	});

	test('hasWork: a host with no change and nothing stale has none', () => {
		expect(hasWork(hosts.get('etcd1')!)).toBe(false);
		expect(hasWork(hosts.get('postgres2')!)).toBe(true);
	});
});

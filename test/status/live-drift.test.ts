import {expect, test} from 'vitest';
import type {ClusterStatus} from '../../source/status/gather.js';
import {liveDrift} from '../../source/status/live-drift.js';
import {formatStatus} from '../../source/status/format.js';
import {example} from '../answers/fixtures.js';

const seedAnswers = () => example('seed-topology');

function healthy(): ClusterStatus {
	return {
		cluster: 'produccion',
		at: '2026-11-23T00:00:00.000Z',
		hosts: seedAnswers().hosts.map(h => ({name: h.name, ip: h.ip, roles: h.roles, reachable: true})),
		postgres: [
			{member: 'postgres1', role: 'Leader', state: 'running', timeline: 1},
			{member: 'postgres2', role: 'Replica', state: 'running', timeline: 1, lagMb: 0},
			{member: 'postgres3', role: 'Replica', state: 'running', timeline: 1, lagMb: 0},
		],
		etcd: [4, 7, 8].map(n => ({endpoint: `http://192.168.100.${n}:2379`, healthy: true, leader: n === 4})),
		vip: {address: '192.168.100.56', holder: 'haproxy1'},
		haproxy: [
			{balancer: 'haproxy1', listener: 'primary', server: 'postgres1', status: 'UP'},
			{balancer: 'haproxy1', listener: 'primary', server: 'postgres2', status: 'DOWN'},
			{balancer: 'haproxy1', listener: 'replicas', server: 'postgres2', status: 'UP'},
			{balancer: 'haproxy1', listener: 'replicas', server: 'postgres3', status: 'UP 1/2'},
		],
		backups: {count: 2, status: 'ok', full: {label: '20261122-010000F', finishedAt: '2026-11-22T01:02:00.000Z', ageSeconds: 82_000, sizeBytes: 30_000_000}},
	};
}

test('a healthy cluster has no live drift', () => {
	expect(liveDrift(seedAnswers(), healthy())).toEqual([]);
});

test('each broken part of the live state is named', () => {
	const status = healthy();
	status.postgres[2] = {member: 'postgres3', role: 'Replica', state: 'running', lagMb: 12};
	status.etcd[1]!.healthy = false;
	status.vip.holder = undefined;
	status.backups!.full!.ageSeconds = 9 * 86_400;
	expect(liveDrift(seedAnswers(), status)).toEqual([
		'postgres3 lags 12 MB behind the leader',
		'etcd http://192.168.100.7:2379 is unhealthy',
		'no balancer holds the VIP 192.168.100.56',
		'the newest backup is 9 days old',
	]);
});

test('the status text shows members, etcd, the VIP holder, backends and backups', () => {
	const text = formatStatus(healthy());
	expect(text).toMatch(/postgres1 +Leader +running +TL 1/);
	expect(text).toContain('vip 192.168.100.56: held by haproxy1');
	expect(text).toMatch(/haproxy1 +5001 +postgres3 +UP 1\/2/);
	expect(text).toMatch(/full +20261122-010000F +22\.8 h ago +28\.6 MiB/);
	expect(text).toMatch(/differential +none/);
});

import {expect, test} from 'vitest';
import {formatStatus} from '../../source/health/format.js';
import {judgeCluster} from '../../source/health/judge.js';
import {example} from '../answers/fixtures.js';
import {healthyStatus} from './judge.test.js';

test('the status text shows members, etcd, the VIP holder, backends and backups', () => {
	const text = formatStatus(healthyStatus());
	expect(text).toMatch(/postgres1 +Leader +running +TL 1/);
	expect(text).toContain('vip 192.168.100.56: held by haproxy1');
	expect(text).toMatch(/haproxy1 +5001 +postgres3 +UP 1\/2/);
	expect(text).toMatch(/full +20261122-010000F +22\.8 h ago +28\.6 MiB/);
	expect(text).toMatch(/differential +none/);
	expect(text).toContain('\ncertificates (11): earliest expiry 2028-06-01\n');
});

test('the status text says when no certificate could be read', () => {
	const status = healthyStatus();
	status.certificates = status.certificates.map(({host, path}) => ({host, path}));
	expect(formatStatus(status)).toContain('\ncertificates (11): none readable\n');
});

test('the status text ends with the health model: all well, or each failing judgement', () => {
	const status = healthyStatus();
	expect(formatStatus(status, judgeCluster(example('seed-topology'), status))).toMatch(/health: every check holds$/);
	status.vip = {address: '192.168.100.56', holders: ['haproxy1', 'haproxy2'], holder: 'haproxy1'};
	expect(formatStatus(status, judgeCluster(example('seed-topology'), status))).toMatch(/health\n {2}FAIL VIP 192\.168\.100\.56 held by one balancer: held by haproxy1, haproxy2$/);
});

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

test('the status text shows the latest restore drill: passed, failed with its first problem, or none yet', () => {
	const status = healthyStatus();
	expect(formatStatus(status)).toContain('\n  restore drill  passed 2026-11-22 05:04 (18.9 h ago), restore and replay 130 s, 240 s in all\n');
	status.restoreDrill = {at: '2026-11-20T05:00:00.000Z', ok: false, durationSeconds: 90, restoreSeconds: 0, problems: ['disk space: not enough free space', 'pgbackrest verify: x']};
	expect(formatStatus(status)).toContain('\n  restore drill  FAILED 2026-11-20 05:00 (3 d ago), restore and replay 0 s, 90 s in all: disk space: not enough free space\n');
	delete status.restoreDrill;
	expect(formatStatus(status)).toMatch(/\n  restore drill  none yet\n/);
});

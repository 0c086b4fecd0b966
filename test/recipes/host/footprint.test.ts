import {describe, expect, test} from 'vitest';
import {hostFootprint} from '../../../recipes/host/footprint.js';
import {hostFiles} from '../../../recipes/index.js';
import {placeholderKeys} from '../../../source/keys/cluster-keys.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';

const answers = withStatsPassword(example('seed-topology'));
const host = (name: string) => answers.hosts.find(h => h.name === name)!;

describe("a host's footprint", () => {
	test('holds every file the recipes render for the host, so an uninstall removes what an install writes', () => {
		for (const h of answers.hosts) {
			const rendered = hostFiles(answers, h.name, {interface: 'eth0', keys: placeholderKeys(answers)}).map(f => f.path);
			expect(hostFootprint(answers, h).files).toEqual(expect.arrayContaining(rendered));
		}
	});

	test('units stop with the VIP first and etcd last; cron is never stopped', () => {
		expect(hostFootprint(answers, host('haproxy1')).units).toEqual(['keepalived', 'haproxy']);
		expect(hostFootprint(answers, host('postgres1')).units).toEqual(['pgbouncer', 'patroni']);
		expect(hostFootprint(answers, host('etcd1')).units).toEqual(['etcd']);
		expect(hostFootprint(answers, host('pgbackrestRepo')).units).toEqual([]);
	});

	test('data, backups and the schedule are where the roles put them', () => {
		expect(hostFootprint(answers, host('postgres1'))).toMatchObject({data: ['/data/patroni'], backups: []});
		expect(hostFootprint(answers, host('etcd1'))).toMatchObject({data: ['/var/lib/etcd'], backups: []});
		expect(hostFootprint(answers, host('pgbackrestRepo'))).toMatchObject({
			data: [],
			backups: ['/var/lib/pgbackrest', '/var/log/pgbackrest'],
			schedule: ['/etc/cron.d/pgha-produccion', '/usr/local/lib/pgha/backup-verify'],
		});
	});

	test('only directories of the stack itself are removed once empty, deepest first', () => {
		for (const h of answers.hosts) {
			const dirs = hostFootprint(answers, h).emptyParents;
			expect(dirs.filter(d => ['/etc/cron.d', '/etc/sysctl.d', '/etc/profile.d', '/etc/default', '/etc/systemd/system', '/etc'].includes(d))).toEqual([]);
			expect(dirs).toEqual([...dirs].sort((a, b) => b.length - a.length));
		}
		expect(hostFootprint(answers, host('haproxy1')).emptyParents).toEqual(expect.arrayContaining(['/etc/haproxy', '/etc/keepalived', '/usr/local/lib/pgha', '/etc/pgha']));
	});
});

import {describe, expect, it} from 'vitest';
import {renderBackupSchedule} from '../../../recipes/pgbackrest/schedule.js';
import {renderPgbackrestNode, renderPgbackrestRepo} from '../../../recipes/pgbackrest/render.js';
import {answersFrom, example, exampleRaw, nastyEnv} from '../../answers/fixtures.js';
import {parseIni} from '../ini.js';

describe('renderPgbackrestRepo', () => {
	const answers = example('seed-topology', nastyEnv);
	const file = renderPgbackrestRepo(answers);
	const ini = parseIni(file.content);

	it('keeps encrypted backups of the cluster and reaches each node over SSH', () => {
		// A repository host that is no PostgreSQL node keeps it at pgBackRest's default path: `pgbackrest info` works there with no flags.
		expect(file).toMatchObject({path: '/etc/pgbackrest/pgbackrest.conf', owner: 'postgres', group: 'postgres', mode: 0o600, secret: true});
		expect(ini['global']).toEqual({
			'repo1-path': '/var/lib/pgbackrest',
			'repo1-retention-full': '3',
			'repo1-cipher-type': 'aes-256-cbc',
			'compress-type': 'zst',
			'repo1-cipher-pass': nastyEnv['PGHA_BACKUP_CIPHER'],
			'start-fast': 'y',
			'log-level-console': 'info',
			'log-level-file': 'detail',
		});
		const stanza = ini['produccion']!;
		['192.168.100.1', '192.168.100.2', '192.168.100.3'].forEach((ip, i) => {
			const n = i + 1;
			expect(stanza[`pg${n}-host`]).toBe(ip);
			expect(stanza[`pg${n}-host-user`]).toBe('postgres');
			expect(stanza[`pg${n}-host-config`]).toBe('/etc/pgbackrest/pgbackrest.conf');
			expect(stanza[`pg${n}-path`]).toBe('/data/patroni');
			expect(stanza[`pg${n}-socket-path`]).toBe('/var/run/postgresql');
		});
		expect(Object.keys(stanza)).toHaveLength(15);
	});

	it('keeps the differential retention and a non-default SSH port when given', () => {
		const raw = exampleRaw('seed-topology');
		raw['backup'] = {full: '0 1 * * 0', differential: '0 1 * * 1-6', retentionFull: 2, retentionDiff: 6};
		raw['ssh'] = {...(raw['ssh'] as object), port: 2222};
		const custom = answersFrom(raw);
		const repo = parseIni(renderPgbackrestRepo(custom).content);
		expect(repo['global']).toMatchObject({'repo1-retention-full': '2', 'repo1-retention-diff': '6'});
		expect(repo['produccion']).toMatchObject({'pg1-host-port': '2222', 'pg3-host-port': '2222'});
		expect(parseIni(renderPgbackrestNode(custom).content)['global']).toMatchObject({'repo1-host-port': '2222'});
		expect(ini['produccion']!['pg1-host-port']).toBeUndefined();
	});
});

describe('renderPgbackrestNode', () => {
	it("names the repository's config at the default path when the repository host is no PostgreSQL node", () => {
		expect(parseIni(renderPgbackrestNode(example('seed-topology')).content)['global']).toMatchObject({'repo1-host-config': '/etc/pgbackrest/pgbackrest.conf'});
	});

	it('points at the repository host and its configuration file', () => {
		const answers = example('compact');
		const file = renderPgbackrestNode(answers);
		expect(file).toMatchObject({path: '/etc/pgbackrest/pgbackrest.conf', owner: 'postgres', group: 'postgres', mode: 0o640, secret: false});
		expect(parseIni(file.content)).toEqual({
			global: {
				'repo1-host': '10.20.0.13',
				'repo1-host-user': 'postgres',
				'repo1-host-config': '/etc/pgbackrest/repo.conf',
				'compress-type': 'zst',
				'archive-async': 'y',
				'spool-path': '/var/spool/pgbackrest',
				'log-level-file': 'detail',
			},
			'global:archive-push': {'process-max': '2'},
			compact: {'pg1-path': '/data/patroni', 'pg1-socket-path': '/var/run/postgresql'},
		});
	});
});

describe('renderBackupSchedule', () => {
	it('runs full and differential backups as postgres, as the seed schedules them', () => {
		const file = renderBackupSchedule(example('seed-topology'));
		expect(file).toMatchObject({path: '/etc/cron.d/pgha-produccion', owner: 'root', group: 'root', mode: 0o644, secret: false});
		const lines = file.content.split('\n');
		expect(lines).toContain('SHELL=/bin/sh');
		expect(lines.some(l => l.startsWith('PATH=/usr/local/sbin:'))).toBe(true);
		expect(lines).toContain('0 1 * * 0 postgres pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=produccion --type=full backup');
		expect(lines).toContain('0 1 * * 1-6 postgres pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=produccion --type=diff backup');
		// The restore drill, as root, after the Sunday full backup; its last scheduled run's output in a log.
		expect(lines).toContain('0 5 * * 0 root /usr/local/lib/pgha/backup-verify > /var/log/pgha-backup-verify.log 2>&1');
		expect(file.content.endsWith('\n')).toBe(true);
		expect(file.content).not.toContain('--type=incr');
	});

	it('adds incremental backups and puts each schedule on one line', () => {
		const raw = exampleRaw('compact');
		raw['backup'] = {full: '@weekly', differential: ' 30  2\t* * 1-3 ', incremental: '*/15 * * * *', verify: ' 0 6\t1 * * ', retentionFull: 1};
		const lines = renderBackupSchedule(answersFrom(raw)).content.split('\n');
		expect(lines).toContain('@weekly postgres pgbackrest --config=/etc/pgbackrest/repo.conf --stanza=compact --type=full backup');
		expect(lines).toContain('30 2 * * 1-3 postgres pgbackrest --config=/etc/pgbackrest/repo.conf --stanza=compact --type=diff backup');
		expect(lines).toContain('*/15 * * * * postgres pgbackrest --config=/etc/pgbackrest/repo.conf --stanza=compact --type=incr backup');
		expect(lines).toContain('0 6 1 * * root /usr/local/lib/pgha/backup-verify > /var/log/pgha-backup-verify.log 2>&1');
	});
});

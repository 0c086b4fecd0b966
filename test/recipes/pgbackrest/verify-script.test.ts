import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {parseDrillResult, renderBackupVerifyScript} from '../../../recipes/pgbackrest/verify-script.js';
import {renderPgbackrestRepo} from '../../../recipes/pgbackrest/render.js';
import {answersFrom, example, exampleRaw, nastyEnv, passwordsOf} from '../../answers/fixtures.js';

describe('renderBackupVerifyScript', () => {
	const seed = example('seed-topology', nastyEnv);
	const file = renderBackupVerifyScript(seed);
	const line = (name: string) => file.content.split('\n').find(l => l.startsWith(`${name}=`));

	it('is a root-only script on the repository host, holding no secret', () => {
		expect(file).toMatchObject({path: '/usr/local/lib/pgha/backup-verify', owner: 'root', group: 'root', mode: 0o750, secret: false, onChange: 'none'});
		expect(file.content.startsWith('#!/bin/bash\n')).toBe(true);
		for (const secret of passwordsOf(seed)) expect(file.content).not.toContain(secret);
		// It names the config that holds the cipher, and never prints it.
		expect(renderPgbackrestRepo(seed).content).toContain(nastyEnv['PGHA_BACKUP_CIPHER']);
		expect(file.content).not.toMatch(/cat "?\$config|cat \/etc\/pgbackrest/);
	});

	it('names the stanza, the repository config, every PostgreSQL node and the work directory', () => {
		expect(line('stanza')).toBe('stanza=produccion');
		expect(line('config')).toBe('config=/etc/pgbackrest/pgbackrest.conf');
		expect(line('nodes')).toBe('nodes=(postgres1=192.168.100.1 postgres2=192.168.100.2 postgres3=192.168.100.3)');
		expect(line('work')).toBe('work=${PGHA_BACKUP_VERIFY_DIR:-/var/lib/pgha/backup-verify}');
		expect(line('ssh_options')).toBe('ssh_options=(-o ConnectTimeout=10)');
		expect(line('bin')).toBe('bin=/usr/lib/postgresql/15/bin');
		// The compact layout's repository host is also a node: its repository config is the other file.
		const compact = renderBackupVerifyScript(example('compact')).content;
		expect(compact).toContain('\nstanza=compact\n');
		expect(compact).toContain('\nconfig=/etc/pgbackrest/repo.conf\n');
		expect(compact).toContain('\nnodes=(node1=10.20.0.11 node2=10.20.0.12 node3=10.20.0.13)\n');
	});

	it('reaches the nodes on the SSH port of the answers', () => {
		const raw = exampleRaw('seed-topology');
		raw['ssh'] = {...(raw['ssh'] as object), port: 2222};
		expect(renderBackupVerifyScript(answersFrom(raw)).content).toContain('\nssh_options=(-o ConnectTimeout=10 -p 2222)\n');
	});

	it('restores locally with the repository config, never archives from the throwaway, and replays to the end of the archive', () => {
		const {content} = file;
		expect(content).toContain('--reset-pg1-host --pg1-path="$data" --set="$label"');
		expect(content).toContain('--type=default --archive-mode=off --tablespace-map-all="$spaces" --recovery-option="restore_command=$fetch"');
		expect(content).toContain('fetch="pgbackrest --config=$config --stanza=$stanza --reset-pg1-host --pg1-path=$data archive-get %f \\"%p\\""');
		for (const setting of ["listen_addresses = ''", 'ssl = off', 'archive_mode = off', 'hot_standby = on']) expect(content).toContain(`echo "${setting}"`);
		for (const setting of ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction']) expect(content).toMatch(new RegExp(`echo "${setting} = \\$\\(at_least `));
		expect(content).toContain('"$bin/pg_amcheck" -h "$run" -p "$port" -U postgres --all --install-missing');
		expect(content).toContain('--output=text --verbose verify');
		expect(content).toContain('select pg_walfile_name(lsn), lsn from pg_switch_wal() as lsn;');
	});

	it('is valid bash, with bash expansions written through', () => {
		const result = spawnSync('bash', ['-n'], {input: file.content, encoding: 'utf8'});
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(file.content).not.toContain('\\${');
		expect(file.content).toContain('"${ssh_options[@]}"');
	});
});

describe('parseDrillResult', () => {
	const result = {at: '2025-01-05T05:03:10Z', ok: false, durationSeconds: 190, restoreSeconds: 95, backup: '20250105-010002F', problems: ['pg_amcheck: heap table "a.public.t"'], checks: [{name: 'pg_amcheck', ok: false, evidence: 'heap table "a.public.t"'}], tables: []};

	it('reads what the drill writes, and nothing else', () => {
		expect(parseDrillResult(JSON.stringify(result))).toEqual(result);
		expect(parseDrillResult('')).toBeUndefined();
		expect(parseDrillResult('{"at": "yesterday", "ok": true}')).toBeUndefined();
		expect(parseDrillResult(JSON.stringify({...result, ok: 'yes'}))).toBeUndefined();
		expect(parseDrillResult(JSON.stringify({...result, problems: [1]}))).toBeUndefined();
		expect(parseDrillResult('null')).toBeUndefined();
	});
});

import {createHash} from 'node:crypto';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import YAML from 'yaml';
import {describe, expect, test} from 'vitest';
import {backupVerify} from '../../source/commands/backup-verify.js';
import type {Flags} from '../../source/commands/context.js';
import type {Connector} from '../../source/engine/connect.js';
import {renderBackupVerifyScript, type DrillResult} from '../../recipes/pgbackrest/verify-script.js';
import {answersFrom, example, exampleRaw, root, strongEnv} from '../answers/fixtures.js';
import {fakeHost} from '../engine/fake-host.js';
import {captureIo, noFlags} from './io.js';
import {emptyHome} from './saved-cluster.js';

const flags: Flags = {...noFlags, answers: join(root, 'examples/seed-topology.yaml')};
const script = renderBackupVerifyScript(example('seed-topology'));
const sha = createHash('sha256').update(script.content).digest('hex');
const resultPath = '/var/lib/pgha/backup-verify/last.json';
const cipher = strongEnv['PGHA_BACKUP_CIPHER']!;

const passed: DrillResult = {
	at: '2026-11-29T05:03:10Z',
	ok: true,
	durationSeconds: 190,
	restoreSeconds: 95,
	backup: '20261129-010002F',
	problems: [],
	checks: [{name: 'replay', ok: true, evidence: 'replayed'}],
	tables: [
		{db: 'aplicacion', table: 'public.pedidos', restored: 5700, live: 5700, status: 'matches'},
		{db: 'aplicacion', table: 'public.lineas', restored: 9, live: 10, status: 'changed since the restore point, not compared'},
	],
};
const failed: DrillResult = {...passed, ok: false, problems: ['pg_amcheck: btree index "aplicacion.public.pedidos_pkey"', 'row counts: aplicacion public.lineas has 9 rows in the restore and 10 on the leader'], tables: [{db: 'aplicacion', table: 'public.lineas', restored: 9, live: 10, status: 'differs'}]};

type Repository = {script?: 'as rendered' | 'different' | 'missing'; exit?: number; lines?: string[]; stderr?: string; writes?: DrillResult};

/** The repository host: the script there as asked, the drill's lines and exit, and last.json before and after it. */
function repository(options: Repository) {
	let json: string | undefined = JSON.stringify({...passed, at: '2026-11-22T05:00:00Z'});
	let hosts: string[] = [];
	const conn = fakeHost('pgbackrestRepo', text => {
		if (text.startsWith(`if [ -f ${script.path} ]`)) {
			if (options.script === 'missing') return {stdout: ''};
			return {stdout: `${options.script === 'different' ? 'f'.repeat(64) : sha}\nroot:root:750\n`};
		}
		if (text === `test -e ${script.path}`) return {code: options.script === 'missing' ? 1 : 0};
		if (text === script.path) {
			if (options.writes) json = JSON.stringify(options.writes);
			return {code: options.exit ?? 0, stdout: (options.lines ?? []).join('\n'), stderr: options.stderr ?? ''};
		}
		throw new Error(`the repository does not expect: ${text}`);
	});
	conn.readFile = async (path: string) => (path === resultPath ? json : undefined);
	const connect: Connector = async host => {
		hosts = [...hosts, host.name];
		return conn;
	};
	return {conn, connect, hosts: () => hosts};
}

async function verify(options: Repository) {
	const repo = repository(options);
	const io = {...captureIo(emptyHome()), connect: repo.connect};
	const code = await backupVerify(['verify'], flags, io);
	return {code, io, repo};
}

describe('pgha backup verify', () => {
	test('runs the drill on the repository host alone, streams its lines with the secrets hidden, and sums it up: exit 0 when it passed', async () => {
		const {code, io, repo} = await verify({script: 'as rendered', writes: passed, lines: ['[    0 s] restore drill of stanza produccion', `[    1 s] a line that quotes ${cipher}`, '[  190 s] result: PASSED in 190 s']});
		expect(code).toBe(0);
		expect(repo.hosts()).toEqual(['pgbackrestRepo']);
		expect(repo.conn.scripts).toContain('/usr/local/lib/pgha/backup-verify');
		expect(io.lines).toEqual([
			'pgha: restore drill of cluster produccion on pgbackrestRepo: the latest backup into a throwaway PostgreSQL there, then its checks',
			'[    0 s] restore drill of stanza produccion',
			'[    1 s] a line that quotes ***',
			'[  190 s] result: PASSED in 190 s',
			'pgha: restore drill PASSED on backup 20261129-010002F: restore and replay 95 s, 190 s in all',
			'  tables compared with the leader: 1 match, 0 differ, 0 missing in the restore, 1 changed since the restore point (not compared)',
			'  result: /var/lib/pgha/backup-verify/last.json on pgbackrestRepo (2026-11-29T05:03:10Z)',
		]);
		expect(io.stdout()).not.toContain(cipher);
	});

	test('exit 1 when the drill failed, with its problems', async () => {
		const {code, io} = await verify({script: 'as rendered', writes: failed, exit: 1, lines: ['[  190 s] result: FAILED in 190 s']});
		expect(code).toBe(1);
		expect(io.lines.slice(-6)).toEqual([
			'pgha: restore drill FAILED on backup 20261129-010002F: restore and replay 95 s, 190 s in all',
			'  tables compared with the leader: 0 match, 1 differ, 0 missing in the restore, 0 changed since the restore point (not compared)',
			'  problems:',
			'    - pg_amcheck: btree index "aplicacion.public.pedidos_pkey"',
			'    - row counts: aplicacion public.lineas has 9 rows in the restore and 10 on the leader',
			'  result: /var/lib/pgha/backup-verify/last.json on pgbackrestRepo (2026-11-29T05:03:10Z)',
		]);
	});

	test.each([
		['missing', 'is missing'],
		['different', 'is not the one these answers render'],
	] as const)('a script that is %s is named, repair is the way, and no drill runs', async (state, said) => {
		const {code, io, repo} = await verify({script: state, writes: passed});
		expect(code).toBe(1);
		expect(io.stderr()).toBe(
			`pgha: the restore drill's script /usr/local/lib/pgha/backup-verify on pgbackrestRepo ${said}; \`pgha repair --cluster produccion\` puts it back with what it needs (the PostgreSQL server and jq on pgbackrestRepo, the schedule), then run this again.`,
		);
		expect(repo.conn.scripts).not.toContain('/usr/local/lib/pgha/backup-verify');
	});

	test('a drill that did not start (another one holds the lock) writes no new result: exit 1, and the old result is not shown as this one', async () => {
		const {code, io} = await verify({script: 'as rendered', exit: 2, stderr: 'pgha restore drill: another drill is running on this host'});
		expect(code).toBe(1);
		expect(io.stdout()).not.toContain('restore drill PASSED');
		expect(io.stderr()).toBe('pgha: the drill on pgbackrestRepo ended with exit code 2 and wrote no new result to /var/lib/pgha/backup-verify/last.json; the lines above say why');
	});

	test('a cluster without a repository host has nothing to verify: exit 2 before any connection', async () => {
		const raw = exampleRaw('seed-topology');
		raw['hosts'] = (raw['hosts'] as Array<{roles: string[]}>).filter(h => !h.roles.includes('backup'));
		expect(answersFrom(raw).hosts.some(h => h.roles.includes('backup'))).toBe(false);
		const repo = repository({});
		const io = {...captureIo(emptyHome()), connect: repo.connect};
		const file = join(mkdtempSync(join(tmpdir(), 'pgha-no-repo-')), 'answers.yaml');
		writeFileSync(file, YAML.stringify(raw));
		await expect(backupVerify(['verify'], {...noFlags, answers: file}, io)).rejects.toMatchObject({exitCode: 2, message: 'cluster "produccion" has no repository host (no host has the backup role), so it has no backup to verify'});
		expect(repo.hosts()).toEqual([]);
	});
});

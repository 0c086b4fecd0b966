#!/usr/bin/env node
// Regenerates source/answers/pg15-parameters.json from this machine's PostgreSQL 15:
// a throwaway server (no TCP, its own socket directory, removed afterwards) is asked
// for pg_settings, which holds what `postgres --describe-config` leaves out: each
// parameter's unit, an enum's values and the read-only (internal) ones. The extensions
// operators most often preload are loaded too, so their parameters are known.
// Run as root (the server runs as postgres): node scripts/pg15-parameters.mjs
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync, chmodSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const preload = ['pg_stat_statements', 'auto_explain', 'pg_prewarm'];
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'source', 'answers', 'pg15-parameters.json');

const work = mkdtempSync(join(tmpdir(), 'pgha-pg15-'));
chmodSync(work, 0o755);
const asPostgres = (command, args) => execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], {encoding: 'utf8', cwd: '/'});
execFileSync('chown', ['postgres:postgres', work]);
const data = join(work, 'data');
try {
	asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
	const options = `-c listen_addresses='' -c unix_socket_directories=${work} -c shared_preload_libraries=${preload.join(',')}`;
	asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-w', '-l', join(work, 'log'), 'start']);
	try {
		const sql = `select json_agg(json_build_object('name', name, 'context', context, 'vartype', vartype, 'unit', unit, 'min', min_val, 'max', max_val, 'enumvals', enumvals, 'boot', boot_val) order by name) from pg_settings`;
		const text = asPostgres(join(bin, 'psql'), ['-X', '-A', '-t', '-h', work, '-U', 'postgres', '-d', 'postgres', '-c', sql]);
		const version = asPostgres(join(bin, 'postgres'), ['--version']).trim();
		const rows = JSON.parse(text);
		const parameters = Object.fromEntries(
			rows.map(r => [
				r.name,
				{
					context: r.context,
					type: r.vartype,
					...(r.unit ? {unit: r.unit} : {}),
					...(r.min !== null && (r.vartype === 'integer' || r.vartype === 'real') ? {min: Number(r.min), max: Number(r.max)} : {}),
					...(r.enumvals ? {values: r.enumvals} : {}),
					...(r.boot !== null ? {boot: r.boot} : {}),
				},
			]),
		);
		writeFileSync(out, `${JSON.stringify({source: version, preloaded: preload, parameters}, null, '\t')}\n`);
		console.log(`${rows.length} parameters from ${version} -> ${out}`);
	} finally {
		asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
	}
} finally {
	rmSync(work, {recursive: true, force: true});
}

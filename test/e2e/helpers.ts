import {spawn, spawnSync} from 'node:child_process';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import YAML from 'yaml';
import {strictFailure} from '../strict.js';
import {remember} from './run-record.js';

export const root = join(import.meta.dirname, '..', '..');
export const cliPath = join(root, 'dist', 'cli.js');

/** Why the lab cannot run here, or undefined when it can; never throws. */
export function labUnavailableReason(): string | undefined {
	if (process.platform !== 'linux') return 'the lab needs Linux';
	if (process.getuid?.() !== 0) return 'the lab needs root';
	return undefined;
}

/**
 * Why the lab cannot run here (the file's tests are then skipped), or
 * undefined when it can. Under PGHA_TEST_STRICT=1 it throws instead, so the
 * file fails naming the reason.
 */
export function labUnavailable(): string | undefined {
	const reason = labUnavailableReason();
	if (reason && process.env['PGHA_TEST_STRICT'] === '1') throw strictFailure(`${reason} (the end-to-end tests boot lab hosts)`);
	return reason;
}

export type CliResult = {code: number; stdout: string; stderr: string};

/** Runs the built pgha with extra environment, optionally watching stdout lines as they come. */
export function pgha(args: string[], env: NodeJS.ProcessEnv = {}, onLine?: (line: string) => void): Promise<CliResult> {
	// Every pgha home the run used has its run logs searched for secrets at the end (secrets.test.ts).
	if (env['PGHA_HOME']) remember('homes', env['PGHA_HOME']);
	return new Promise(resolve => {
		const child = spawn(process.execPath, [cliPath, ...args], {env: {...process.env, CI: 'true', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let pending = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			pending += chunk.toString();
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) onLine?.(line);
		});
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('close', code => resolve({code: code ?? 1, stdout, stderr}));
	});
}

export type LabAnswers = {
	cluster: {name: string};
	ssh: {identityFile: string};
	hosts: Array<{name: string; ip: string; roles: string[]}>;
	network: {vip: string};
	passwords: Record<string, string>;
	database?: {name?: string; owner?: string};
	packages?: {source?: string; bundle?: string; versions?: Record<string, string>};
};

/** The answer file `lab up --write-answers` wrote. */
export function readAnswers(file: string): LabAnswers {
	remember('answers', file);
	return YAML.parse(readFileSync(file, 'utf8')) as LabAnswers;
}

/** The sudo password of the non-root SSH test: a secret like the answer file's passwords. */
export const sudoPassword = 'Sudo-Passw0rd-for-deploy';

/** Runs a command on a lab host over SSH with the lab key; returns its stdout, throws on failure. */
export function onHost(answers: LabAnswers, name: string, command: string, input?: string): string {
	const host = answers.hosts.find(h => h.name === name)!;
	const result = spawnSync(
		'ssh',
		['-i', answers.ssh.identityFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5', '-o', 'BatchMode=yes', `root@${host.ip}`, command],
		{encoding: 'utf8', input, timeout: 120_000},
	);
	if (result.status !== 0) throw new Error(`${name}: ${command}: exit ${result.status}: ${result.stderr}`);
	return result.stdout;
}

/**
 * Installs packages on a lab host that has no package source, as a person
 * would from the lab's bundle: the bundle streamed over SSH into a scratch
 * directory, apt pointed at it alone, the directory removed.
 */
export function installFromLabBundle(answers: LabAnswers, ip: string, packages: string[]): void {
	const bundle = answers.packages?.bundle;
	if (!bundle) throw new Error('the lab answers name no bundle (a lab up --mirror lab?)');
	const script = [
		'set -e',
		'd=$(mktemp -d)',
		`trap 'rm -rf "$d"' EXIT`,
		'tar -x -C "$d"',
		`printf 'deb [trusted=yes] file:%s/pgha-bundle ./\\n' "$d" > "$d/sources.list"`,
		'mkdir -p "$d/lists/partial" "$d/empty"',
		'opts="-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=$d/empty -o Dir::State::Lists=$d/lists -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache="',
		'apt-get $opts update -q >/dev/null',
		`DEBIAN_FRONTEND=noninteractive apt-get $opts install -y -q --no-install-recommends ${packages.join(' ')} >/dev/null`,
	].join('\n');
	const result = spawnSync(
		'ssh',
		['-i', answers.ssh.identityFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', `root@${ip}`, script],
		{input: readFileSync(bundle), encoding: 'utf8', timeout: 300_000, maxBuffer: 16 * 1024 * 1024},
	);
	if (result.status !== 0) throw new Error(`installing ${packages.join(' ')} on ${ip} from ${bundle}: exit ${result.status}: ${result.stderr}${result.stdout}`);
}

/** Runs SQL through the VIP on a port as the database owner, password in a PGPASSFILE. */
export function sqlViaVip(answers: LabAnswers, port: number, sql: string, pgpassFile: string): {ok: boolean; out: string} {
	const db = answers.database?.name ?? 'aplicacion';
	const owner = answers.database?.owner ?? 'aplicacion';
	const result = spawnSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', `host=${answers.network.vip} port=${port} user=${owner} dbname=${db} connect_timeout=3`, '-c', sql], {
		encoding: 'utf8',
		env: {...process.env, PGPASSFILE: pgpassFile},
		timeout: 30_000,
	});
	return {ok: result.status === 0, out: (result.stdout + result.stderr).trim()};
}

/** Polls until fn returns true; resolves with the milliseconds it took. */
export async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 120_000, everyMs = 500): Promise<number> {
	const start = Date.now();
	for (;;) {
		try {
			if (await fn()) return Date.now() - start;
		} catch {
			// not yet
		}
		if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}

/** The newest run log of a pgha home. */
export function newestLog(home: string): string {
	const dir = join(home, 'logs');
	const newest = readdirSync(dir)
		.map(name => join(dir, name))
		.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
		.at(-1)!;
	return readFileSync(newest, 'utf8');
}

import {chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer} from 'node:https';
import {createConnection, createServer, type Server} from 'node:net';
import {checkServerIdentity, type PeerCertificate} from 'node:tls';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import type {Answers} from '../../source/answers/schema.js';
import {hostFiles} from '../../recipes/index.js';
import type {ManagedFile} from '../../recipes/kit/managed-file.js';
import {example, nastyEnv, withStatsPassword} from '../answers/fixtures.js';
import {renderFacts, testKeys} from '../keys/fixtures.js';
import {createCa, issueCertificate, type KeyPair} from '../../source/keys/certificates.js';
import {skipOrFail} from '../strict.js';
import {findTool, freePort, portOpen, run, startDaemon, toLoopback, userIds, waitUntil, type Daemon} from './tool-helpers.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import {rtoPresetNames} from '../../source/answers/schema.js';
import type {StepContext} from '../../recipes/kit/step.js';
import {dcsSettingsStep} from '../../recipes/postgres/steps.js';
import {dcsSettings} from '../../recipes/postgres/render.js';
import {words} from './fake-shell.js';
import {haproxyReadyScript} from '../../recipes/keepalived/render.js';
import {locations} from '../../recipes/kit/locations.js';

/*
 * The real tools' own checks of the rendered files of both examples, with
 * passwords full of quotes and symbols. Every check runs on this machine only:
 * where a tool must bind or connect, the file's addresses are moved onto
 * loopback (a.b.c.d -> 127.b.c.d) and nothing else is changed unless said.
 * The cluster's certificates are real (test/keys/fixtures.ts), written to
 * temporary files whose paths replace the rendered /etc paths.
 * CI installs the tools from .ci/apt-packages.txt. A missing tool skips its
 * check, or fails it under PGHA_TEST_STRICT=1 (CI), naming the tool.
 */

const examples = ['seed-topology', 'compact'] as const;
const isRoot = process.getuid?.() === 0;
const pgBin = '/usr/lib/postgresql/15/bin';
const tools = {
	haproxy: findTool('haproxy'),
	keepalived: findTool('keepalived'),
	patroni: findTool('patroni'),
	python3: findTool('python3'),
	pgbackrest: findTool('pgbackrest'),
	pgbouncer: findTool('pgbouncer'),
	etcd: findTool('etcd'),
	// PostgreSQL 15's own binaries, not Debian's version-picking wrappers.
	initdb: findTool('initdb', [pgBin]),
	postgres: findTool('postgres', [pgBin]),
	psql: findTool('psql', [pgBin]),
	// What Keepalived's HAProxy check (haproxy-ready) reads the admin socket with.
	socat: findTool('socat'),
};
const missing = (name: keyof typeof tools, pkg: string) => `${name} is not installed here (apt-get install ${pkg}; CI installs .ci/apt-packages.txt)`;

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'pgha-tool-checks-'));
});
afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

let counter = 0;
/** Writes text to a new file in the temporary directory and returns its path. */
function put(name: string, content: string, mode = 0o600): string {
	const path = join(dir, `${++counter}-${name}`);
	writeFileSync(path, content, {mode});
	return path;
}

/** The answers of an example as an install renders them: nasty passwords, the stats password included. */
const nasty = (name: (typeof examples)[number]) => withStatsPassword(example(name, nastyEnv), nastyEnv);

async function fileOf(answers: Answers, host: string, path: string): Promise<ManagedFile> {
	const file = hostFiles(answers, host, await renderFacts(answers)).find(f => f.path === path);
	if (!file) throw new Error(`${host} has no ${path}`);
	return file;
}

/**
 * Writes every file of a host under `tlsDir` (its rendered TLS directory) to
 * a new temporary directory and points the text at those copies.
 */
async function withTlsFiles(answers: Answers, host: string, tlsDir: string, text: string): Promise<{text: string; dir: string}> {
	const local = mkdtempSync(join(dir, 'tls-'));
	for (const file of hostFiles(answers, host, await renderFacts(answers)).filter(f => f.path.startsWith(`${tlsDir}/`)))
		writeFileSync(join(local, file.path.slice(tlsDir.length + 1)), file.content, {mode: file.mode});
	return {text: text.replaceAll(`${tlsDir}/`, `${local}/`), dir: local};
}

/**
 * Writes the host's rendered HAProxy server-state file (the format's version
 * line, no states) to a temporary file and points server-state-file at it:
 * haproxy -c warns about a state file that is not there.
 */
async function withServerState(answers: Answers, host: string, text: string): Promise<string> {
	const file = await fileOf(answers, host, locations.haproxyServerState);
	const moved = text.replace(`server-state-file ${locations.haproxyServerState}\n`, `server-state-file ${put('server-state', file.content, file.mode)}\n`);
	expect(moved).not.toContain(locations.haproxyServerState);
	return moved;
}

/** haproxy.cfg of a balancer as haproxy -c can read it here: its TLS files and server-state file in temporary copies. */
async function checkableHaproxy(answers: Answers, host: string): Promise<string> {
	const {text} = await withTlsFiles(answers, host, '/etc/haproxy/tls', (await fileOf(answers, host, locations.haproxyConfig)).content);
	return withServerState(answers, host, text);
}

/**
 * Writes the host's rendered haproxy-ready script where Keepalived runs a
 * script as root (enable_script_security): the script and every directory
 * on its path owned by root and writable by no one else. A new 0755
 * directory in the test's root-owned temporary directory is such a place
 * when the test runs as root. The config's script path is pointed at it.
 */
async function withReadyScript(answers: Answers, host: string, text: string): Promise<string> {
	const file = await fileOf(answers, host, haproxyReadyScript);
	expect(file).toMatchObject({owner: 'root', mode: 0o755});
	const secure = mkdtempSync(join(dir, 'pgha-lib-'));
	chmodSync(secure, 0o755);
	const path = join(secure, 'haproxy-ready');
	writeFileSync(path, file.content);
	chmodSync(path, file.mode);
	const moved = text.replace(`script "${haproxyReadyScript}"\n`, `script "${path}"\n`);
	expect(moved).not.toContain(haproxyReadyScript);
	return moved;
}

/**
 * keepalived.conf of a balancer as keepalived --config-test can check it
 * here: the haproxy-ready script in a secure temporary place, and the script
 * user nobody on a machine without keepalived_script (the recipe creates that
 * user; the check would refuse one that does not exist).
 */
async function checkableKeepalived(answers: Answers, host: string, content: string): Promise<string> {
	const user = (await userIds('keepalived_script')) ? 'keepalived_script' : 'nobody';
	return withReadyScript(answers, host, content.replace('script_user keepalived_script', `script_user ${user}`));
}

/** Why Keepalived's config test needs root here: it runs its track script as root only from root-owned paths. */
const needsRootForScript = 'needs root: keepalived accepts a script it runs as root only where root owns the file and its directories';

/** A certificate from the cluster's CA for a test listener, naming the loopback addresses it is reached at. */
async function loopbackCertificate(answers: Answers, name: string, ips: string[]): Promise<KeyPair> {
	return issueCertificate((await testKeys(answers)).ca, name, {dns: [name], ips}, 1);
}

/** One HTTPS request with the CA (and a client certificate when given); the status and body, or the error's message. */
function httpsCall(url: string, tls: {ca: string; cert?: string; key?: string; checkServerIdentity?: typeof checkServerIdentity}, options: {method?: string; body?: string; auth?: string} = {}): Promise<{status?: number; body: string; error?: string}> {
	return new Promise(resolve => {
		const req = httpsRequest(url, {method: options.method ?? 'GET', agent: false, ...tls, ...(options.auth ? {auth: options.auth} : {}), timeout: 5_000}, response => {
			let body = '';
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve({status: response.statusCode, body}));
		});
		req.on('error', error => resolve({body: '', error: error.message}));
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.end(options.body);
	});
}


describe('haproxy -c', () => {
	for (const name of examples) {
		it(`accepts haproxy.cfg of ${name}`, async ctx => {
			if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
			const answers = nasty(name);
			for (const host of hostsWithRole(answers, 'balancer')) {
				// HAProxy loads the stats page's certificate, the CA and the servers' states while checking, so they must be there.
				const result = await run(tools.haproxy, ['-c', '-f', put('haproxy.cfg', await checkableHaproxy(answers, host.name))]);
				expect(result.code, result.stdout + result.stderr).toBe(0);
				expect(result.stdout).toContain('Configuration file is valid');
				expect(result.stderr).not.toMatch(/WARNING|ALERT/);
			}
		});
	}

	it('rejects a broken configuration (the check has teeth)', async ctx => {
		if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
		const answers = nasty('seed-topology');
		const {text} = await withTlsFiles(answers, 'haproxy1', '/etc/haproxy/tls', (await fileOf(answers, 'haproxy1', '/etc/haproxy/haproxy.cfg')).content);
		const broken = text.replace('tcp-check expect binary 53', 'tcp-check expect nonsense 53');
		expect(broken).not.toBe(text);
		const result = await run(tools.haproxy, ['-c', '-f', put('broken.cfg', broken)]);
		expect(result.code).not.toBe(0);
	});

	it('warns about a server-state file that is not there (the state file is checked)', async ctx => {
		if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
		const answers = nasty('seed-topology');
		const absent = join(dir, 'no-server-state');
		const text = (await checkableHaproxy(answers, 'haproxy1')).replace(/^(\s*server-state-file) \S+$/m, `$1 ${absent}`);
		expect(text).toContain(`server-state-file ${absent}\n`);
		const result = await run(tools.haproxy, ['-c', '-f', put('absent-state.cfg', text)]);
		expect(result.stderr).toMatch(new RegExp(`WARNING.*Can't open global server state file '${absent}'`));
	});

	it('refuses a stats page whose certificate file is not there (the TLS files are checked)', async ctx => {
		if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
		const answers = nasty('seed-topology');
		const result = await run(tools.haproxy, ['-c', '-f', put('no-pem.cfg', (await fileOf(answers, 'haproxy1', '/etc/haproxy/haproxy.cfg')).content)]);
		expect(result.code).not.toBe(0);
		expect(result.stdout + result.stderr).toContain('/etc/haproxy/tls/stats.pem');
	});
});

describe('haproxy health checks, run for real on loopback', () => {
	type Node = {pgbouncer: boolean; role: 'primary' | 'replica'};
	const servers: Array<Server | HttpsServer> = [];
	let haproxy: Daemon | undefined;
	afterAll(async () => {
		await haproxy?.stop();
		await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))));
	});

	/**
	 * A stand-in for a node: PgBouncer answers an SSLRequest with "S" (ready
	 * for TLS) and anything else with the node's name; Patroni answers its role
	 * over HTTPS with the node's certificate from the cluster CA.
	 */
	async function fakeNode(ip: string, name: string, node: Node, tls: KeyPair) {
		if (node.pgbouncer) {
			const pgbouncer = createServer(socket => {
				socket.once('data', data => {
					socket.end(data.toString('hex') === '0000000804d2162f' ? 'S' : name);
				});
				socket.on('error', () => {});
			});
			await new Promise<void>(resolve => pgbouncer.listen(6432, ip, resolve));
			servers.push(pgbouncer);
		}
		const patroni = createHttpsServer({cert: tls.cert, key: tls.key}, (request, response) => {
			response.writeHead(request.method === 'OPTIONS' && request.url === `/${node.role}` ? 200 : 503).end();
		});
		await new Promise<void>(resolve => patroni.listen(8008, ip, resolve));
		servers.push(patroni);
	}

	function statText(socket: string): Promise<string> {
		return new Promise<string>((resolve, reject) => {
			let out = '';
			const conn = createConnection(socket, () => conn.write('show stat\n'));
			conn.on('data', chunk => (out += chunk));
			conn.on('end', () => resolve(out));
			conn.on('error', reject);
		});
	}

	async function stats(socket: string): Promise<Record<string, string>> {
		const text = await statText(socket);
		const status: Record<string, string> = {};
		for (const line of text.split('\n')) {
			const fields = line.split(',');
			if (fields.length > 17 && !['FRONTEND', 'BACKEND', 'svname'].includes(fields[1]!)) status[`${fields[0]}/${fields[1]}`] = fields[17]!;
		}
		return status;
	}

	async function through(ip: string, port: number): Promise<string> {
		return new Promise((resolve, reject) => {
			let out = '';
			const conn = createConnection({host: ip, port}, () => conn.write('who'));
			conn.on('data', chunk => (out += chunk));
			conn.on('end', () => resolve(out));
			conn.on('error', reject);
		});
	}

	it('sends writes to the primary, reads to replicas, and drops a node whose PgBouncer is down', async ctx => {
		if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
		if (!isRoot) return skipOrFail(ctx, 'needs root: the rendered config drops privileges to the haproxy user');
		if (!tools.socat) return skipOrFail(ctx, missing('socat', 'socat'));
		const answers = nasty('seed-topology');
		const {keys} = await testKeys(answers);
		// postgres1 is the primary; postgres2 a replica; postgres3 a replica whose PgBouncer is down.
		await fakeNode('127.168.100.1', 'postgres1', {pgbouncer: true, role: 'primary'}, keys.hosts['postgres1']!);
		await fakeNode('127.168.100.2', 'postgres2', {pgbouncer: true, role: 'replica'}, keys.hosts['postgres2']!);
		await fakeNode('127.168.100.3', 'postgres3', {pgbouncer: false, role: 'replica'}, keys.hosts['postgres3']!);
		const socket = join(dir, 'haproxy.sock');
		const statsPort = await freePort();
		// Besides loopback addresses: the TLS files in a temporary directory, a
		// private stats socket and port, and faster checks (200 ms instead of 3 s)
		// so the test takes seconds.
		const rendered = await withTlsFiles(answers, 'haproxy1', '/etc/haproxy/tls', (await fileOf(answers, 'haproxy1', '/etc/haproxy/haproxy.cfg')).content);
		const config = toLoopback(await withServerState(answers, 'haproxy1', rendered.text))
			.replace('/run/haproxy/admin.sock', socket)
			.replace(/bind \S+:7000 ssl/, `bind 127.0.0.1:${statsPort} ssl`)
			.replaceAll('inter 3s fastinter 200ms fall 3 rise 2', 'inter 200ms fastinter 200ms fall 2 rise 1');
		expect(config).toContain(`bind 127.0.0.1:${statsPort} ssl crt ${rendered.dir}/stats.pem`);
		haproxy = startDaemon(tools.haproxy, ['-db', '-f', put('haproxy-run.cfg', config)]);
		const want = {
			'primary/postgres1': 'UP',
			'primary/postgres2': 'DOWN',
			'primary/postgres3': 'DOWN',
			'replicas/postgres1': 'DOWN',
			'replicas/postgres2': 'UP',
			'replicas/postgres3': 'DOWN',
		};
		let seen: Record<string, string> = {};
		await waitUntil(
			async () => {
				seen = await stats(socket);
				return JSON.stringify(seen) === JSON.stringify(want);
			},
			15_000,
			() => `server states ${JSON.stringify(seen)}; haproxy said: ${haproxy!.output()}`,
		);
		expect(await through('127.168.100.56', 5000)).toBe('postgres1');
		expect(await through('127.168.100.56', 5001)).toBe('postgres2');

		// Keepalived's readiness check, the rendered script on this HAProxy's socket: the field its awk reads is
		// HAProxy's check_status, and with every node checked (up or down) HAProxy is ready.
		const header = (await statText(socket)).split('\n')[0]!.replace(/^# /, '').split(',');
		expect(header[36]).toBe('check_status');
		expect((await fileOf(answers, 'haproxy1', haproxyReadyScript)).content).toContain("/usr/bin/awk -F, '($1 == \"primary\" || $1 == \"replicas\") && $2 != \"FRONTEND\" && $2 != \"BACKEND\" { servers++; if ($37 ~ /INI/)");
		const ready = (await fileOf(answers, 'haproxy1', haproxyReadyScript)).content.replace(`unix-connect:${locations.haproxySocket}`, `unix-connect:${socket}`);
		expect(ready).toContain(socket);
		const readyResult = await run('/bin/sh', [put('haproxy-ready', ready, 0o700)]);
		expect(readyResult, haproxy.output()).toMatchObject({code: 0, stderr: ''});

		// The stats page: HTTPS with haproxy1's certificate (checked against the CA and the balancer's own address), user admin and the password.
		const tls = {ca: keys.caCert, checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity('192.168.100.5', cert)};
		const page = `https://127.0.0.1:${statsPort}/;csv`;
		expect(await httpsCall(page, tls)).toMatchObject({status: 401});
		expect(await httpsCall(page, tls, {auth: 'admin:wrong-password'})).toMatchObject({status: 401});
		const csv = await httpsCall(page, tls, {auth: `admin:${answers.passwords.haproxyStats}`});
		expect(csv.error).toBeUndefined();
		expect(csv.status).toBe(200);
		expect(csv.body).toMatch(/^primary,postgres1,.*,UP,/m);

		// Once HAProxy is gone, its readiness check fails.
		await haproxy.stop();
		expect((await run('/bin/sh', [put('haproxy-ready', ready, 0o700)])).code, 'a HAProxy that does not answer is not ready').toBe(1);
	});
});

describe('keepalived --config-test', () => {
	// Keepalived 2.2.7 ends its config test by signalling itself (SIGTERM) even
	// when it found problems (only a few fatal ones exit 5): what it prints is
	// the verdict, and a clean configuration prints nothing.
	async function configTest(answers: Answers, host: string, content: string) {
		const path = put('keepalived.conf', await checkableKeepalived(answers, host, content));
		return run(tools.keepalived!, ['--config-test', '-f', path]);
	}

	for (const name of examples) {
		it(`accepts keepalived.conf of both balancers of ${name}`, async ctx => {
			if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
			if (!isRoot) return skipOrFail(ctx, needsRootForScript);
			const answers = nasty(name);
			for (const host of hostsWithRole(answers, 'balancer')) {
				const result = await configTest(answers, host.name, (await fileOf(answers, host.name, '/etc/keepalived/keepalived.conf')).content);
				expect(result.stderr + result.stdout, host.name).toBe('');
				expect(result.code === 0 || result.signal === 'SIGTERM', `exit ${result.code} ${result.signal}`).toBe(true);
			}
		});
	}

	it.each([
		['1 balancer', (roles: Answers['hosts'][number]['roles'], name: string) => (name === 'node2' ? roles.filter(r => r !== 'balancer') : roles)],
		['3 balancers', (roles: Answers['hosts'][number]['roles'], name: string) => (name === 'node3' ? [...roles, 'balancer' as const] : roles)],
	])('accepts keepalived.conf of every balancer of compact with %s', async (_what, rolesOf, ctx) => {
		if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
		if (!isRoot) return skipOrFail(ctx, needsRootForScript);
		const base = nasty('compact');
		const answers = {...base, hosts: base.hosts.map(h => ({...h, roles: rolesOf(h.roles, h.name)}))};
		for (const host of hostsWithRole(answers, 'balancer')) {
			const result = await configTest(answers, host.name, (await fileOf(answers, host.name, '/etc/keepalived/keepalived.conf')).content);
			expect(result.stderr + result.stdout, host.name).toBe('');
			expect(result.code === 0 || result.signal === 'SIGTERM', `exit ${result.code} ${result.signal}`).toBe(true);
		}
	});

	it('rejects a broken configuration (the check has teeth)', async ctx => {
		if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
		const answers = nasty('compact');
		const broken = (await fileOf(answers, 'node1', '/etc/keepalived/keepalived.conf')).content.replace('virtual_router_id 52', 'virtual_router_id 256');
		const result = await configTest(answers, 'node1', broken);
		expect(result.stderr).toMatch(/VRID '256' not valid/);
	});

	it('disables a track script it would run as root from a path others can write (the script check has teeth)', async ctx => {
		if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
		if (!isRoot) return skipOrFail(ctx, needsRootForScript);
		const answers = nasty('compact');
		const content = await checkableKeepalived(answers, 'node1', (await fileOf(answers, 'node1', '/etc/keepalived/keepalived.conf')).content);
		const script = /script "([^"]+)"/.exec(content)![1]!;
		expect((await run(tools.keepalived, ['--config-test', '-f', put('keepalived.conf', content)])).stderr).toBe('');
		chmodSync(script, 0o777);
		const insecure = await run(tools.keepalived, ['--config-test', '-f', put('keepalived.conf', content)]);
		expect(insecure.stderr + insecure.stdout).toContain('Disabling track script chk_haproxy due to insecure');
		rmSync(script);
		const absent = await run(tools.keepalived, ['--config-test', '-f', put('keepalived.conf', content)]);
		expect(absent.stderr + absent.stdout).toContain('Disabling track script chk_haproxy since not found/accessible');
	});

	it("runs HAProxy's readiness check with programs Debian has where the script names them", async ctx => {
		if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
		if (!tools.socat) return skipOrFail(ctx, missing('socat', 'socat'));
		const script = (await fileOf(nasty('compact'), 'node1', haproxyReadyScript)).content;
		const programs = [...new Set(script.match(/\/usr\/bin\/[\w-]+/g))].sort();
		expect(programs).toEqual(['/usr/bin/awk', '/usr/bin/socat']);
		for (const program of programs) expect(findTool(program.slice('/usr/bin/'.length))).toBe(program);
		// The interpreter Keepalived starts it with.
		expect(script.split('\n')[0]).toBe('#!/bin/sh');
		expect(findTool('sh', ['/bin'])).toBe('/bin/sh');
	});
});

describe('every failover speed passes the tools\' checks', () => {
	for (const rto of rtoPresetNames) {
		it(`haproxy -c and keepalived --config-test accept ha.rto ${rto}`, async ctx => {
			if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
			if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
			if (!isRoot) return skipOrFail(ctx, needsRootForScript);
			const seed = nasty('seed-topology');
			const answers = {...seed, ha: {...seed.ha, rto}};
			const checked = await run(tools.haproxy, ['-c', '-f', put('haproxy.cfg', await checkableHaproxy(answers, 'haproxy1'))]);
			expect(checked.code, checked.stdout + checked.stderr).toBe(0);
			expect(checked.stderr).not.toMatch(/WARNING|ALERT/);
			const conf = await checkableKeepalived(answers, 'haproxy1', (await fileOf(answers, 'haproxy1', '/etc/keepalived/keepalived.conf')).content);
			const tested = await run(tools.keepalived, ['--config-test', '-f', put('keepalived.conf', conf)]);
			expect(tested.stderr + tested.stdout).toBe('');
		});
	}
});

describe('patronictl reads the cluster settings step as Patroni 3.0 does', () => {
	// Patroni's own functions: show-config prints with format_config_for_editing, edit-config -s goes through apply_config_changes.
	const python = `
import json, sys
from patroni.ctl import apply_config_changes, format_config_for_editing
data = json.loads(sys.argv[2])
if sys.argv[1] == 'show':
    sys.stdout.write(format_config_for_editing(data))
else:
    print(json.dumps(apply_config_changes(format_config_for_editing(data), data, sys.argv[3:])[1]))
`;

	it('reads show-config, and edit-config -s sets numbers and booleans, keeping the other keys', async ctx => {
		if (!tools.patroni) return skipOrFail(ctx, missing('patroni', 'patroni'));
		if (!tools.python3) return skipOrFail(ctx, missing('python3', 'python3'));
		// Keys that are missing take Patroni's defaults; synchronous_node_count 2 is there to be set back to 1.
		const live = {ttl: 30, loop_wait: 10, retry_timeout: 10, maximum_lag_on_failover: 1048576, synchronous_node_count: 2, postgresql: {use_pg_rewind: true, parameters: {hot_standby: 'on', wal_keep_size: '512MB'}}};
		const shown = await run(tools.python3, ['-c', python, 'show', JSON.stringify(live)]);
		expect(shown.code, shown.stderr).toBe(0);
		const compact = nasty('compact');
		const answers: Answers = {...compact, ha: {durability: 'synchronous', rto: 'fast'}};
		// Once the edit was sent, etcd holds the new settings (the step waits until the node sees them).
		const after = await run(tools.python3, ['-c', python, 'show', JSON.stringify({...live, ...dcsSettings(answers)})]);
		const sent: string[] = [];
		const fakeRun = async (script: string) => {
			sent.push(script);
			const edited = sent.some(s => s.includes(' edit-config '));
			// This node's REST API does not answer here: the step reads etcd through patronictl.
			if (script.startsWith('python3 ')) return {code: 1, stdout: '', stderr: 'Connection refused'};
			return {code: 0, stdout: script.endsWith(' show-config') ? (edited ? after.stdout : shown.stdout) : '', stderr: ''};
		};
		const step = dcsSettingsStep(answers);
		await step.apply({run: fakeRun} as unknown as StepContext);
		const edit = sent.find(s => s.includes(' edit-config '));
		expect(edit).toBeDefined();
		const pairs = words(edit!).filter((_, i, all) => all[i - 1] === '-s');
		const applied = await run(tools.python3, ['-c', python, 'apply', JSON.stringify(live), ...pairs]);
		expect(applied.code, applied.stderr).toBe(0);
		expect(JSON.parse(applied.stdout)).toEqual({...live, ...dcsSettings(answers)});
	});
});

describe('patroni --validate-config', () => {
	const listeners: Server[] = [];
	afterAll(async () => {
		await Promise.all(listeners.map(s => new Promise(resolve => s.close(resolve))));
	});

	for (const name of examples) {
		it(`accepts config.yml of every node of ${name}`, async ctx => {
			if (!tools.patroni) return skipOrFail(ctx, missing('patroni', 'patroni'));
			if (!tools.postgres) return skipOrFail(ctx, missing('postgres', 'postgresql-15'));
			if (await portOpen('127.0.0.1', 5432)) return skipOrFail(ctx, 'something already listens on 127.0.0.1:5432, which the config asks Patroni to listen on');
			const answers = nasty(name);
			// The validator connects to each etcd host and refuses ports already in
			// use, so etcd gets stand-in listeners on its loopback addresses.
			for (const host of hostsWithRole(answers, 'etcd')) {
				const server = createServer(socket => socket.destroy());
				await new Promise<void>(resolve => server.listen(2379, toLoopback(host.ip), resolve));
				listeners.push(server);
			}
			for (const host of hostsWithRole(answers, 'postgres')) {
				const path = put('config.yml', toLoopback((await fileOf(answers, host.name, '/etc/patroni/config.yml')).content));
				const result = await run(tools.patroni, ['--validate-config', path]);
				expect(result.stdout + result.stderr, host.name).toBe('');
				expect(result.code, host.name).toBe(0);
			}
			await Promise.all(listeners.splice(0).map(s => new Promise(resolve => s.close(resolve))));
		});
	}

	it('accepts config.yml with synchronous commits and the fast preset', async ctx => {
		if (!tools.patroni) return skipOrFail(ctx, missing('patroni', 'patroni'));
		if (!tools.postgres) return skipOrFail(ctx, missing('postgres', 'postgresql-15'));
		if (await portOpen('127.0.0.1', 5432)) return skipOrFail(ctx, 'something already listens on 127.0.0.1:5432, which the config asks Patroni to listen on');
		const compact = nasty('compact');
		const answers: Answers = {...compact, ha: {durability: 'synchronous', rto: 'fast'}};
		for (const host of hostsWithRole(answers, 'etcd')) {
			const server = createServer(socket => socket.destroy());
			await new Promise<void>(resolve => server.listen(2379, toLoopback(host.ip), resolve));
			listeners.push(server);
		}
		const content = (await fileOf(answers, 'node1', '/etc/patroni/config.yml')).content;
		expect(YAML.parse(content, {version: '1.1'}).bootstrap.dcs).toMatchObject({ttl: 20, synchronous_mode: true, synchronous_mode_strict: true});
		const result = await run(tools.patroni, ['--validate-config', put('config.yml', toLoopback(content))]);
		expect(result.stdout + result.stderr).toBe('');
		expect(result.code).toBe(0);
		await Promise.all(listeners.splice(0).map(s => new Promise(resolve => s.close(resolve))));
	});

	it('rejects a broken configuration (the check has teeth)', async ctx => {
		if (!tools.patroni) return skipOrFail(ctx, missing('patroni', 'patroni'));
		const answers = nasty('compact');
		const broken = toLoopback((await fileOf(answers, 'node1', '/etc/patroni/config.yml')).content).replace('bin_dir: /usr/lib/postgresql/15/bin', 'bin_dir: /nonexistent/bin');
		const result = await run(tools.patroni, ['--validate-config', put('broken.yml', broken)]);
		expect(result.code).toBe(1);
		expect(result.stdout + result.stderr).toMatch(/bin_dir/);
	});

	it('reads every password back unchanged with PyYAML, as Patroni does', async ctx => {
		if (!tools.python3) return skipOrFail(ctx, missing('python3', 'python3-yaml'));
		const answers = nasty('seed-topology');
		const path = put('config.yml', (await fileOf(answers, 'postgres1', '/etc/patroni/config.yml')).content);
		const script = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))';
		const result = await run(tools.python3, ['-c', script, path]);
		expect(result.code, result.stderr).toBe(0);
		const loaded = JSON.parse(result.stdout) as Record<string, any>;
		expect(loaded['restapi'].authentication.password).toBe(answers.passwords.patroniApi);
		expect(loaded['postgresql'].authentication.superuser.password).toBe(answers.passwords.superuser);
		expect(loaded['postgresql'].authentication.replication.password).toBe(answers.passwords.replication);
		expect(loaded['bootstrap'].dcs.postgresql.parameters.hot_standby).toBe('on');
		expect(loaded).toEqual(YAML.parse((await fileOf(answers, 'postgres1', '/etc/patroni/config.yml')).content, {version: '1.1'}));
	});
});

describe('pgbackrest reads its configuration files', () => {
	for (const name of examples) {
		it(`loads the repository's and the node's pgbackrest config of ${name} without complaint`, async ctx => {
			if (!tools.pgbackrest) return skipOrFail(ctx, missing('pgbackrest', 'pgbackrest'));
			const answers = nasty(name);
			const repoHost = hostsWithRole(answers, 'backup')[0]!;
			const repoPath = join(dir, `repo-${name}`);
			mkdirSync(repoPath, {recursive: true});
			const repoConfig = repoHost.roles.includes('postgres') ? '/etc/pgbackrest/repo.conf' : '/etc/pgbackrest/pgbackrest.conf';
			const repo = (await fileOf(answers, repoHost.name, repoConfig)).content.replace('repo1-path=/var/lib/pgbackrest', `repo1-path=${repoPath}`);
			const common = ['--log-level-file=off', `--lock-path=${dir}`, `--stanza=${answers.cluster.name}`];
			// info reads the local repository: the stanza does not exist yet, and that is the only complaint expected.
			const info = await run(tools.pgbackrest, [`--config=${put('repo.conf', repo)}`, ...common, 'info']);
			expect(info.stderr, 'warnings about the repository config').toBe('');
			expect(info.code).toBe(0);
			expect(info.stdout).toContain(`stanza: ${answers.cluster.name}`);
			expect(info.stdout).toContain('missing stanza path');

			const node = (await fileOf(answers, hostsWithRole(answers, 'postgres')[0]!.name, '/etc/pgbackrest/pgbackrest.conf')).content;
			const help = await run(tools.pgbackrest, [`--config=${put('pgbackrest.conf', node)}`, ...common, 'help', 'archive-push', 'repo-host-config']);
			expect(help.stderr, 'warnings about the node config').toBe('');
			expect(help.stdout).toContain(`current: ${repoConfig}`);
		});
	}

	it('reads a value full of symbols back unchanged', async ctx => {
		if (!tools.pgbackrest) return skipOrFail(ctx, missing('pgbackrest', 'pgbackrest'));
		// pgBackRest redacts the cipher passphrase in its output, so the same
		// text goes through the same parser as the value of repo1-path.
		const answers = nasty('compact');
		const value = `/${answers.passwords.backupCipher}`;
		const repo = (await fileOf(answers, 'node3', '/etc/pgbackrest/repo.conf')).content.replace('repo1-path=/var/lib/pgbackrest', `repo1-path=${value}`);
		const result = await run(tools.pgbackrest, [`--config=${put('repo.conf', repo)}`, '--stanza=compact', 'help', 'backup', 'repo1-path']);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain(`current: ${value}\n`);
	});
});

describe('etcd forms a cluster from the rendered member files', () => {
	const daemons: Daemon[] = [];
	afterAll(async () => {
		await Promise.all(daemons.map(d => d.stop()));
	});

	/** Reads /etc/default/etcd as systemd's EnvironmentFile= does for this simple form. */
	function environment(content: string): Record<string, string> {
		const out: Record<string, string> = {};
		for (const line of content.split('\n')) {
			if (!line || line.startsWith('#')) continue;
			const match = /^([A-Z0-9_]+)="([^"]*)"$/.exec(line);
			if (!match) throw new Error(`not KEY="value": ${line}`);
			out[match[1]!] = match[2]!;
		}
		return out;
	}

	for (const name of examples) {
		it(`starts the ${name} members on loopback and they elect a leader, admitting only clients with a cluster certificate`, async ctx => {
			if (!tools.etcd) return skipOrFail(ctx, missing('etcd', 'etcd-server'));
			const answers = nasty(name);
			const {keys} = await testKeys(answers);
			const members = hostsWithRole(answers, 'etcd');
			// Each address:port gets a free port on its loopback address, so the members can share this machine.
			const mapped = new Map<string, string>();
			for (const host of members)
				for (const port of [2379, 2380]) mapped.set(`${host.ip}:${port}`, `${toLoopback(host.ip)}:${await freePort()}`);
			const started: Array<{name: string; client: string; daemon: Daemon}> = [];
			for (const host of members) {
				const vars = environment((await fileOf(answers, host.name, '/etc/default/etcd')).content);
				const moved = Object.fromEntries(
					Object.entries(vars).map(([key, value]) => [key, value.replace(/https:\/\/([\d.]+:\d+)/g, (_all, hostPort: string) => `https://${mapped.get(hostPort) ?? `unmapped-${hostPort}`}`)]),
				);
				expect(JSON.stringify(moved)).not.toMatch(/unmapped|http:/);
				// The member's certificate from the cluster CA, naming the loopback address it now serves on. etcd also
				// checks a peer's certificate names the address the peer connects from, which on loopback is 127.0.0.1.
				const tlsDir = mkdtempSync(join(dir, `etcd-tls-${host.name}-`));
				const pair = await loopbackCertificate(answers, host.name, [toLoopback(host.ip), '127.0.0.1']);
				const tls = {ca: join(tlsDir, 'ca.crt'), cert: join(tlsDir, 'etcd.crt'), key: join(tlsDir, 'etcd.key')};
				writeFileSync(tls.ca, keys.caCert);
				writeFileSync(tls.cert, pair.cert);
				writeFileSync(tls.key, pair.key, {mode: 0o600});
				for (const [key, value] of Object.entries(moved)) moved[key] = value.replace('/etc/etcd/tls/ca.crt', tls.ca).replace('/etc/etcd/tls/etcd.crt', tls.cert).replace('/etc/etcd/tls/etcd.key', tls.key);
				expect(JSON.stringify(moved)).not.toContain('/etc/etcd');
				moved['ETCD_DATA_DIR'] = mkdtempSync(join(dir, `etcd-${host.name}-`));
				const daemon = startDaemon(tools.etcd, [], {env: {PATH: process.env['PATH'], ...moved}});
				daemons.push(daemon);
				started.push({name: host.name, client: mapped.get(`${host.ip}:2379`)!, daemon});
			}
			// A client as Patroni and etcdctl are: the CA and a certificate of the cluster.
			const client = await loopbackCertificate(answers, 'patroni-client', ['127.0.0.1']);
			const withCert = {ca: keys.caCert, cert: client.cert, key: client.key};
			for (const member of started) {
				await waitUntil(
					async () => {
						const response = await httpsCall(`https://${member.client}/health`, withCert);
						return (JSON.parse(response.body) as {health?: string}).health === 'true';
					},
					30_000,
					() => `${member.name} not healthy; etcd said: ${member.daemon.output().slice(-2000)}`,
				);
			}
			const list = JSON.parse((await httpsCall(`https://${started[0]!.client}/v3/cluster/member/list`, withCert, {method: 'POST', body: '{}'})).body) as {members: Array<{name: string; peerURLs: string[]}>};
			expect(list.members.map(m => m.name).sort()).toEqual(members.map(m => m.name).sort());
			expect(list.members.flatMap(m => m.peerURLs).every(url => url.startsWith('https://'))).toBe(true);
			// Without a client certificate, or with one from another CA, etcd does not answer.
			expect((await httpsCall(`https://${started[0]!.client}/health`, {ca: keys.caCert})).status).toBeUndefined();
			const foreign = await issueCertificate(await createCa('elsewhere'), 'intruder', {dns: ['intruder'], ips: ['127.0.0.1']}, 1);
			expect((await httpsCall(`https://${started[0]!.client}/health`, {ca: keys.caCert, cert: foreign.cert, key: foreign.key})).status).toBeUndefined();
			// Nor over plain HTTP.
			await expect(fetch(`http://${started[0]!.client}/health`)).rejects.toThrow();
			await Promise.all(daemons.splice(0).map(d => d.stop()));
		}, 60_000);
	}
});

describe('PostgreSQL and PgBouncer accept the owner through the rendered SCRAM verifier', () => {
	const daemons: Daemon[] = [];
	afterAll(async () => {
		for (const daemon of daemons.reverse()) await daemon.stop();
	});

	it('logs in directly and through PgBouncer over TLS with the password, and refuses a wrong one or no TLS', async ctx => {
		for (const tool of ['initdb', 'postgres', 'psql'] as const) if (!tools[tool]) return skipOrFail(ctx, missing(tool, 'postgresql-15'));
		if (!tools.pgbouncer) return skipOrFail(ctx, missing('pgbouncer', 'pgbouncer'));
		if (!isRoot) return skipOrFail(ctx, 'needs root to run PostgreSQL and PgBouncer as the postgres user');
		const ids = await userIds('postgres');
		if (!ids) return skipOrFail(ctx, 'there is no postgres user (postgresql-15 creates it)');
		const answers = nasty('seed-topology');
		const {owner, name: database} = answers.database;
		const base = join(dir, 'scram');
		// The postgres user must reach its directory inside this root-owned one.
		chmodSync(dir, 0o711);
		mkdirSync(base);
		chownSync(base, ids.uid, ids.gid);
		const asPostgres = {uid: ids.uid, gid: ids.gid, env: {PATH: process.env['PATH'], HOME: base, LANG: 'C.UTF-8'}};

		// The node's TLS files as rendered (PostgreSQL's and PgBouncer's copies), owned by postgres in the test's directory.
		const tlsCopy = async (tlsDir: string, text: string) => {
			const local = join(base, tlsDir.replaceAll('/', '-').slice(1));
			mkdirSync(local);
			chownSync(local, ids.uid, ids.gid);
			for (const file of hostFiles(answers, 'postgres1', await renderFacts(answers)).filter(f => f.path.startsWith(`${tlsDir}/`))) {
				const path = join(local, file.path.slice(tlsDir.length + 1));
				writeFileSync(path, file.content, {mode: file.mode});
				chownSync(path, ids.uid, ids.gid);
			}
			return {text: text.replaceAll(`${tlsDir}/`, `${local}/`), dir: local};
		};

		const data = join(base, 'data');
		const init = await run(tools.initdb!, ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256'], {...asPostgres, timeoutMs: 120_000});
		expect(init.code, init.stderr).toBe(0);
		const pgPort = await freePort();
		// PostgreSQL's TLS settings as Patroni gives them, with the certificate paths in the test's directory.
		const patroni = await tlsCopy('/etc/patroni/tls', (await fileOf(answers, 'postgres1', '/etc/patroni/config.yml')).content);
		const parameters = (YAML.parse(patroni.text, {version: '1.1'}) as {postgresql: {parameters: Record<string, string>}}).postgresql.parameters;
		const ssl = Object.entries(parameters).filter(([key]) => key.startsWith('ssl'));
		expect(ssl.map(([key]) => key).sort()).toEqual(['ssl', 'ssl_ca_file', 'ssl_cert_file', 'ssl_key_file', 'ssl_min_protocol_version']);
		const postgres = startDaemon(
			tools.postgres!,
			['-D', data, '-p', String(pgPort), '-k', base, '-c', 'listen_addresses=127.0.0.1', ...ssl.flatMap(([key, value]) => ['-c', `${key}=${value}`])],
			{...asPostgres, stopSignal: 'SIGINT'},
		);
		daemons.push(postgres);
		await waitUntil(() => portOpen('127.0.0.1', pgPort), 30_000, () => `PostgreSQL did not start: ${postgres.output()}`);

		const userlist = (await fileOf(answers, 'postgres1', '/etc/pgbouncer/userlist.txt')).content;
		const verifier = /^"[^"]+" "([^"]+)"\n$/.exec(userlist)![1]!;
		// What the install does: the owner's password is set to the verifier itself.
		const sql = `create role ${owner} login password '${verifier}'; create database ${database} owner ${owner};
select rolpassword = '${verifier}' from pg_authid where rolname = '${owner}';`;
		const setup = await run(tools.psql!, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', base, '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-f', '-'], {...asPostgres, input: sql});
		expect(setup.code, setup.stderr).toBe(0);
		expect(setup.stdout.trim(), 'PostgreSQL stored the verifier as given').toBe('t');

		const login = (port: number, password: string, connection = 'host=127.0.0.1') =>
			run(tools.psql!, ['-X', '-A', '-t', '-c', 'select current_user', `${connection} port=${port} dbname=${database} user=${owner}`], {
				...asPostgres,
				env: {...asPostgres.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5'},
			});
		const direct = await login(pgPort, answers.passwords.app);
		expect(direct.stderr).toBe('');
		expect(direct.stdout.trim()).toBe(owner);

		const bouncerPort = await freePort();
		const ini = (await fileOf(answers, 'postgres1', '/etc/pgbouncer/pgbouncer.ini'))
			.content.replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
			.replace(/^listen_port = .*$/m, `listen_port = ${bouncerPort}`)
			.replace(`port=5432`, `port=${pgPort}`)
			.replace('/var/log/postgresql/pgbouncer.log', join(base, 'pgbouncer.log'))
			.replace('/var/run/postgresql/pgbouncer.pid', join(base, 'pgbouncer.pid'))
			.replace('unix_socket_dir = /var/run/postgresql', `unix_socket_dir = ${base}`)
			.replace('/etc/pgbouncer/userlist.txt', join(base, 'userlist.txt'))
			.replace('/etc/pgbouncer/hba.conf', join(base, 'hba.conf'));
		// The rendered hba file as it is: it admits the owner over TLS from loopback, as on a node.
		const hba = (await fileOf(answers, 'postgres1', '/etc/pgbouncer/hba.conf')).content;
		expect(hba).toContain(`hostssl ${database} ${owner} 127.0.0.1/32 scram-sha-256`);
		writeFileSync(join(base, 'hba.conf'), hba, {mode: 0o640});
		chownSync(join(base, 'hba.conf'), ids.uid, ids.gid);
		const bouncerTls = await tlsCopy('/etc/pgbouncer/tls', '');
		writeFileSync(join(base, 'userlist.txt'), userlist, {mode: 0o600});
		const iniWithTls = ini.replaceAll('/etc/pgbouncer/tls/', `${bouncerTls.dir}/`);
		expect(iniWithTls).not.toMatch(/\/etc\/|\/var\//);
		writeFileSync(join(base, 'pgbouncer.ini'), iniWithTls, {mode: 0o600});
		chownSync(join(base, 'userlist.txt'), ids.uid, ids.gid);
		chownSync(join(base, 'pgbouncer.ini'), ids.uid, ids.gid);
		const pgbouncer = startDaemon(tools.pgbouncer, [join(base, 'pgbouncer.ini')], asPostgres);
		daemons.push(pgbouncer);
		await waitUntil(() => portOpen('127.0.0.1', bouncerPort), 15_000, () => `PgBouncer did not start: ${pgbouncer.output()}`);

		// As an application connects through the VIP: TLS, the certificate checked against the CA and the VIP's
		// address (hostaddr only says where to reach it here; libpq checks the name against host).
		const viaVip = `host=${answers.network.vip} hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=${bouncerTls.dir}/ca.crt`;
		const pooled = await login(bouncerPort, answers.passwords.app, viaVip);
		expect(pooled.stderr).toBe('');
		expect(pooled.stdout.trim()).toBe(owner);
		const wrong = await login(bouncerPort, `${answers.passwords.app}x`, viaVip);
		expect(wrong.code).not.toBe(0);
		expect(wrong.stderr).toMatch(/authentication failed/);
		const plain = await login(bouncerPort, answers.passwords.app, 'host=127.0.0.1 sslmode=disable');
		expect(plain.code).not.toBe(0);
		expect(plain.stderr).toMatch(/SSL required/);
		// PgBouncer reached PostgreSQL on 127.0.0.1 with verify-full (server_tls_sslmode): the node's certificate names loopback.
		expect(ini).toMatch(/^server_tls_sslmode = verify-full$/m);
		// The certificate names the node, loopback and the VIP, not any address: verify-full against another node's fails.
		const otherNode = answers.hosts.find(h => h.name !== 'postgres1' && h.roles.includes('postgres'))!.ip;
		const otherName = await login(bouncerPort, answers.passwords.app, `host=${otherNode} hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=${bouncerTls.dir}/ca.crt`);
		expect(otherName.code).not.toBe(0);
		expect(otherName.stderr).toMatch(/does not match host name|server certificate/);
	}, 120_000);
});

import {chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http';
import {createConnection, createServer, type Server} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import type {Answers} from '../../source/answers/schema.js';
import {hostFiles} from '../../recipes/index.js';
import type {ManagedFile} from '../../recipes/kit/managed-file.js';
import {example, nastyEnv} from '../answers/fixtures.js';
import {skipOrFail} from '../strict.js';
import {findTool, freePort, portOpen, run, startDaemon, toLoopback, userIds, waitUntil, type Daemon} from './tool-helpers.js';
import {hostsWithRole} from '../../source/answers/hosts.js';

/*
 * The real tools' own checks of the rendered files of both examples, with
 * passwords full of quotes and symbols. Every check runs on this machine only:
 * where a tool must bind or connect, the file's addresses are moved onto
 * loopback (a.b.c.d -> 127.b.c.d) and nothing else is changed unless said.
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

function fileOf(answers: Answers, host: string, path: string): ManagedFile {
	const file = hostFiles(answers, host, {interface: 'eth0'}).find(f => f.path === path);
	if (!file) throw new Error(`${host} has no ${path}`);
	return file;
}


describe('haproxy -c', () => {
	for (const name of examples) {
		it(`accepts haproxy.cfg of ${name}`, async ctx => {
			if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
			const answers = example(name, nastyEnv);
			for (const host of hostsWithRole(answers, 'balancer')) {
				const path = put('haproxy.cfg', fileOf(answers, host.name, '/etc/haproxy/haproxy.cfg').content);
				const result = await run(tools.haproxy, ['-c', '-f', path]);
				expect(result.code, result.stdout + result.stderr).toBe(0);
				expect(result.stdout).toContain('Configuration file is valid');
				expect(result.stderr).not.toMatch(/WARNING|ALERT/);
			}
		});
	}

	it('rejects a broken configuration (the check has teeth)', async ctx => {
		if (!tools.haproxy) return skipOrFail(ctx, missing('haproxy', 'haproxy'));
		const answers = example('seed-topology', nastyEnv);
		const broken = fileOf(answers, 'haproxy1', '/etc/haproxy/haproxy.cfg').content.replace('tcp-check expect binary 4e', 'tcp-check expect nonsense 4e');
		const result = await run(tools.haproxy, ['-c', '-f', put('broken.cfg', broken)]);
		expect(result.code).not.toBe(0);
	});
});

describe('haproxy health checks, run for real on loopback', () => {
	type Node = {pgbouncer: boolean; role: 'primary' | 'replica'};
	const servers: Array<Server | HttpServer> = [];
	let haproxy: Daemon | undefined;
	afterAll(async () => {
		await haproxy?.stop();
		await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))));
	});

	/** A stand-in for a node: PgBouncer answers an SSLRequest with "N" and anything else with the node's name; Patroni answers its role. */
	async function fakeNode(ip: string, name: string, node: Node) {
		if (node.pgbouncer) {
			const pgbouncer = createServer(socket => {
				socket.once('data', data => {
					socket.end(data.toString('hex') === '0000000804d2162f' ? 'N' : name);
				});
				socket.on('error', () => {});
			});
			await new Promise<void>(resolve => pgbouncer.listen(6432, ip, resolve));
			servers.push(pgbouncer);
		}
		const patroni = createHttpServer((request, response) => {
			response.writeHead(request.method === 'OPTIONS' && request.url === `/${node.role}` ? 200 : 503).end();
		});
		await new Promise<void>(resolve => patroni.listen(8008, ip, resolve));
		servers.push(patroni);
	}

	async function stats(socket: string): Promise<Record<string, string>> {
		const text = await new Promise<string>((resolve, reject) => {
			let out = '';
			const conn = createConnection(socket, () => conn.write('show stat\n'));
			conn.on('data', chunk => (out += chunk));
			conn.on('end', () => resolve(out));
			conn.on('error', reject);
		});
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
		const answers = example('seed-topology', nastyEnv);
		// postgres1 is the primary; postgres2 a replica; postgres3 a replica whose PgBouncer is down.
		await fakeNode('127.168.100.1', 'postgres1', {pgbouncer: true, role: 'primary'});
		await fakeNode('127.168.100.2', 'postgres2', {pgbouncer: true, role: 'replica'});
		await fakeNode('127.168.100.3', 'postgres3', {pgbouncer: false, role: 'replica'});
		const socket = join(dir, 'haproxy.sock');
		const statsPort = await freePort();
		// Besides loopback addresses: a private stats socket and port, and faster
		// checks (200 ms instead of 3 s) so the test takes seconds.
		const config = toLoopback(fileOf(answers, 'haproxy1', '/etc/haproxy/haproxy.cfg').content)
			.replace('/run/haproxy/admin.sock', socket)
			.replace('bind *:7000', `bind 127.0.0.1:${statsPort}`)
			.replaceAll('inter 3s fall 3 rise 2', 'inter 200ms fall 2 rise 1');
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
	});
});

describe('keepalived --config-test', () => {
	// Keepalived 2.2.7 ends its config test by signalling itself (SIGTERM) even
	// when it found problems (only a few fatal ones exit 5): what it prints is
	// the verdict, and a clean configuration prints nothing.
	async function configTest(content: string) {
		// The recipe creates keepalived_script; on a machine without it the
		// check runs the script as nobody, or it would refuse the script user.
		const user = (await userIds('keepalived_script')) ? 'keepalived_script' : 'nobody';
		const path = put('keepalived.conf', content.replace('script_user keepalived_script', `script_user ${user}`));
		return run(tools.keepalived!, ['--config-test', '-f', path]);
	}

	for (const name of examples) {
		it(`accepts keepalived.conf of both balancers of ${name}`, async ctx => {
			if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
			const answers = example(name, nastyEnv);
			for (const host of hostsWithRole(answers, 'balancer')) {
				const result = await configTest(fileOf(answers, host.name, '/etc/keepalived/keepalived.conf').content);
				expect(result.stderr + result.stdout, host.name).toBe('');
				expect(result.code === 0 || result.signal === 'SIGTERM', `exit ${result.code} ${result.signal}`).toBe(true);
			}
		});
	}

	it('rejects a broken configuration (the check has teeth)', async ctx => {
		if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
		const answers = example('compact', nastyEnv);
		const broken = fileOf(answers, 'node1', '/etc/keepalived/keepalived.conf').content.replace('virtual_router_id 52', 'virtual_router_id 256');
		const result = await configTest(broken);
		expect(result.stderr).toMatch(/VRID '256' not valid/);
	});

	it('runs the HAProxy check as a binary Debian has', async ctx => {
		if (!tools.keepalived) return skipOrFail(ctx, missing('keepalived', 'keepalived'));
		expect(findTool('pgrep')).toBe('/usr/bin/pgrep');
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
			const answers = example(name, nastyEnv);
			// The validator connects to each etcd host and refuses ports already in
			// use, so etcd gets stand-in listeners on its loopback addresses.
			for (const host of hostsWithRole(answers, 'etcd')) {
				const server = createServer(socket => socket.destroy());
				await new Promise<void>(resolve => server.listen(2379, toLoopback(host.ip), resolve));
				listeners.push(server);
			}
			for (const host of hostsWithRole(answers, 'postgres')) {
				const path = put('config.yml', toLoopback(fileOf(answers, host.name, '/etc/patroni/config.yml').content));
				const result = await run(tools.patroni, ['--validate-config', path]);
				expect(result.stdout + result.stderr, host.name).toBe('');
				expect(result.code, host.name).toBe(0);
			}
			await Promise.all(listeners.splice(0).map(s => new Promise(resolve => s.close(resolve))));
		});
	}

	it('rejects a broken configuration (the check has teeth)', async ctx => {
		if (!tools.patroni) return skipOrFail(ctx, missing('patroni', 'patroni'));
		const answers = example('compact', nastyEnv);
		const broken = toLoopback(fileOf(answers, 'node1', '/etc/patroni/config.yml').content).replace('bin_dir: /usr/lib/postgresql/15/bin', 'bin_dir: /nonexistent/bin');
		const result = await run(tools.patroni, ['--validate-config', put('broken.yml', broken)]);
		expect(result.code).toBe(1);
		expect(result.stdout + result.stderr).toMatch(/bin_dir/);
	});

	it('reads every password back unchanged with PyYAML, as Patroni does', async ctx => {
		if (!tools.python3) return skipOrFail(ctx, missing('python3', 'python3-yaml'));
		const answers = example('seed-topology', nastyEnv);
		const path = put('config.yml', fileOf(answers, 'postgres1', '/etc/patroni/config.yml').content);
		const script = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))';
		const result = await run(tools.python3, ['-c', script, path]);
		expect(result.code, result.stderr).toBe(0);
		const loaded = JSON.parse(result.stdout) as Record<string, any>;
		expect(loaded['restapi'].authentication.password).toBe(answers.passwords.patroniApi);
		expect(loaded['postgresql'].authentication.superuser.password).toBe(answers.passwords.superuser);
		expect(loaded['postgresql'].authentication.replication.password).toBe(answers.passwords.replication);
		expect(loaded['bootstrap'].dcs.postgresql.parameters.hot_standby).toBe('on');
		expect(loaded).toEqual(YAML.parse(fileOf(answers, 'postgres1', '/etc/patroni/config.yml').content, {version: '1.1'}));
	});
});

describe('pgbackrest reads its configuration files', () => {
	for (const name of examples) {
		it(`loads repo.conf and pgbackrest.conf of ${name} without complaint`, async ctx => {
			if (!tools.pgbackrest) return skipOrFail(ctx, missing('pgbackrest', 'pgbackrest'));
			const answers = example(name, nastyEnv);
			const repoHost = hostsWithRole(answers, 'backup')[0]!;
			const repoPath = join(dir, `repo-${name}`);
			mkdirSync(repoPath, {recursive: true});
			const repo = fileOf(answers, repoHost.name, '/etc/pgbackrest/repo.conf').content.replace('repo1-path=/var/lib/pgbackrest', `repo1-path=${repoPath}`);
			const common = ['--log-level-file=off', `--lock-path=${dir}`, `--stanza=${answers.cluster.name}`];
			// info reads the local repository: the stanza does not exist yet, and that is the only complaint expected.
			const info = await run(tools.pgbackrest, [`--config=${put('repo.conf', repo)}`, ...common, 'info']);
			expect(info.stderr, 'warnings about the repository config').toBe('');
			expect(info.code).toBe(0);
			expect(info.stdout).toContain(`stanza: ${answers.cluster.name}`);
			expect(info.stdout).toContain('missing stanza path');

			const node = fileOf(answers, hostsWithRole(answers, 'postgres')[0]!.name, '/etc/pgbackrest/pgbackrest.conf').content;
			const help = await run(tools.pgbackrest, [`--config=${put('pgbackrest.conf', node)}`, ...common, 'help', 'archive-push', 'repo-host-config']);
			expect(help.stderr, 'warnings about the node config').toBe('');
			expect(help.stdout).toContain('current: /etc/pgbackrest/repo.conf');
		});
	}

	it('reads a value full of symbols back unchanged', async ctx => {
		if (!tools.pgbackrest) return skipOrFail(ctx, missing('pgbackrest', 'pgbackrest'));
		// pgBackRest redacts the cipher passphrase in its output, so the same
		// text goes through the same parser as the value of repo1-path.
		const answers = example('compact', nastyEnv);
		const value = `/${answers.passwords.backupCipher}`;
		const repo = fileOf(answers, 'node3', '/etc/pgbackrest/repo.conf').content.replace('repo1-path=/var/lib/pgbackrest', `repo1-path=${value}`);
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
		it(`starts the ${name} members on loopback and they elect a leader`, async ctx => {
			if (!tools.etcd) return skipOrFail(ctx, missing('etcd', 'etcd-server'));
			const answers = example(name, nastyEnv);
			const members = hostsWithRole(answers, 'etcd');
			// Each address:port gets a free port on its loopback address; each
			// member's 127.0.0.1 listener gets its own, so the three can share this machine.
			const mapped = new Map<string, string>();
			for (const host of members)
				for (const port of [2379, 2380]) mapped.set(`${host.ip}:${port}`, `${toLoopback(host.ip)}:${await freePort()}`);
			const started: Array<{name: string; client: string; daemon: Daemon}> = [];
			for (const host of members) {
				const local = `127.0.0.1:${await freePort()}`;
				const vars = environment(fileOf(answers, host.name, '/etc/default/etcd').content);
				const moved = Object.fromEntries(
					Object.entries(vars).map(([key, value]) => [
						key,
						value.replace(/http:\/\/([\d.]+:\d+)/g, (_all, hostPort: string) => `http://${hostPort.startsWith('127.0.0.1:') ? local : mapped.get(hostPort)}`),
					]),
				);
				const dataDir = mkdtempSync(join(dir, `etcd-${host.name}-`));
				moved['ETCD_DATA_DIR'] = dataDir;
				const daemon = startDaemon(tools.etcd, [], {env: {PATH: process.env['PATH'], ...moved}});
				daemons.push(daemon);
				started.push({name: host.name, client: mapped.get(`${host.ip}:2379`)!, daemon});
			}
			for (const member of started) {
				await waitUntil(
					async () => {
						const response = await fetch(`http://${member.client}/health`);
						return ((await response.json()) as {health?: string}).health === 'true';
					},
					30_000,
					() => `${member.name} not healthy; etcd said: ${member.daemon.output().slice(-2000)}`,
				);
			}
			const list = (await (await fetch(`http://${started[0]!.client}/v3/cluster/member/list`, {method: 'POST', body: '{}'})).json()) as {members: Array<{name: string}>};
			expect(list.members.map(m => m.name).sort()).toEqual(members.map(m => m.name).sort());
			await Promise.all(daemons.splice(0).map(d => d.stop()));
		}, 60_000);
	}
});

describe('PostgreSQL and PgBouncer accept the owner through the rendered SCRAM verifier', () => {
	const daemons: Daemon[] = [];
	afterAll(async () => {
		for (const daemon of daemons.reverse()) await daemon.stop();
	});

	it('logs in directly and through PgBouncer with the password, and refuses a wrong one', async ctx => {
		for (const tool of ['initdb', 'postgres', 'psql'] as const) if (!tools[tool]) return skipOrFail(ctx, missing(tool, 'postgresql-15'));
		if (!tools.pgbouncer) return skipOrFail(ctx, missing('pgbouncer', 'pgbouncer'));
		if (!isRoot) return skipOrFail(ctx, 'needs root to run PostgreSQL and PgBouncer as the postgres user');
		const ids = await userIds('postgres');
		if (!ids) return skipOrFail(ctx, 'there is no postgres user (postgresql-15 creates it)');
		const answers = example('seed-topology', nastyEnv);
		const {owner, name: database} = answers.database;
		const base = join(dir, 'scram');
		// The postgres user must reach its directory inside this root-owned one.
		chmodSync(dir, 0o711);
		mkdirSync(base);
		chownSync(base, ids.uid, ids.gid);
		const asPostgres = {uid: ids.uid, gid: ids.gid, env: {PATH: process.env['PATH'], HOME: base, LANG: 'C.UTF-8'}};

		const data = join(base, 'data');
		const init = await run(tools.initdb!, ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256'], {...asPostgres, timeoutMs: 120_000});
		expect(init.code, init.stderr).toBe(0);
		const pgPort = await freePort();
		const postgres = startDaemon(tools.postgres!, ['-D', data, '-p', String(pgPort), '-k', base, '-c', 'listen_addresses=127.0.0.1'], {...asPostgres, stopSignal: 'SIGINT'});
		daemons.push(postgres);
		await waitUntil(() => portOpen('127.0.0.1', pgPort), 30_000, () => `PostgreSQL did not start: ${postgres.output()}`);

		const userlist = fileOf(answers, 'postgres1', '/etc/pgbouncer/userlist.txt').content;
		const verifier = /^"[^"]+" "([^"]+)"\n$/.exec(userlist)![1]!;
		// What the install does: the owner's password is set to the verifier itself.
		const sql = `create role ${owner} login password '${verifier}'; create database ${database} owner ${owner};
select rolpassword = '${verifier}' from pg_authid where rolname = '${owner}';`;
		const setup = await run(tools.psql!, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', base, '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-f', '-'], {...asPostgres, input: sql});
		expect(setup.code, setup.stderr).toBe(0);
		expect(setup.stdout.trim(), 'PostgreSQL stored the verifier as given').toBe('t');

		const login = (port: number, password: string) =>
			run(tools.psql!, ['-X', '-A', '-t', '-c', 'select current_user', `host=127.0.0.1 port=${port} dbname=${database} user=${owner}`], {
				...asPostgres,
				env: {...asPostgres.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5'},
			});
		const direct = await login(pgPort, answers.passwords.app);
		expect(direct.stderr).toBe('');
		expect(direct.stdout.trim()).toBe(owner);

		const bouncerPort = await freePort();
		const ini = fileOf(answers, 'postgres1', '/etc/pgbouncer/pgbouncer.ini')
			.content.replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
			.replace(/^listen_port = .*$/m, `listen_port = ${bouncerPort}`)
			.replace(`port=5432`, `port=${pgPort}`)
			.replace('/var/log/postgresql/pgbouncer.log', join(base, 'pgbouncer.log'))
			.replace('/var/run/postgresql/pgbouncer.pid', join(base, 'pgbouncer.pid'))
			.replace('unix_socket_dir = /var/run/postgresql', `unix_socket_dir = ${base}`)
			.replace('/etc/pgbouncer/userlist.txt', join(base, 'userlist.txt'));
		writeFileSync(join(base, 'userlist.txt'), userlist, {mode: 0o600});
		writeFileSync(join(base, 'pgbouncer.ini'), ini, {mode: 0o600});
		chownSync(join(base, 'userlist.txt'), ids.uid, ids.gid);
		chownSync(join(base, 'pgbouncer.ini'), ids.uid, ids.gid);
		const pgbouncer = startDaemon(tools.pgbouncer, [join(base, 'pgbouncer.ini')], asPostgres);
		daemons.push(pgbouncer);
		await waitUntil(() => portOpen('127.0.0.1', bouncerPort), 15_000, () => `PgBouncer did not start: ${pgbouncer.output()}`);

		const pooled = await login(bouncerPort, answers.passwords.app);
		expect(pooled.stderr).toBe('');
		expect(pooled.stdout.trim()).toBe(owner);
		const wrong = await login(bouncerPort, `${answers.passwords.app}x`);
		expect(wrong.code).not.toBe(0);
		expect(wrong.stderr).toMatch(/authentication failed/);
	}, 120_000);
});

import type {Answers} from '../../source/answers/schema.js';
import type {Connector} from '../../source/engine/connect.js';
import type {HostConnection, RunResult} from '../../source/transport/ssh.js';
import {locations, ports} from '../../recipes/kit/locations.js';
import {FakeDebianHost} from './fake-debian.js';
import {words} from './fake-shell.js';
import YAML from 'yaml';
import {freshVerifier} from '../../recipes/postgres/scram.js';
import {patroniApiGet} from '../../recipes/postgres/probes.js';
import {etcdVersionScript} from '../../recipes/etcd/probes.js';
import {pendingUndoScript} from '../../source/failover/faults.js';
import {findParameter, normaliseParameter} from '../../source/answers/pg-parameters.js';

type Answer = Partial<RunResult> | undefined;

const out = (stdout: string, code = 0): Answer => ({code, stdout});

/**
 * The hosts of one cluster in memory, answering what needs more than one
 * host: Patroni's members, psql on a node, etcdctl, who holds the VIP,
 * HAProxy's stats on its admin socket and pgbackrest on the repository. State comes from what
 * the steps did (units started, files written), never from the answers.
 */
export class FakeCluster {
	readonly hosts = new Map<string, FakeDebianHost>();
	/** The Patroni leader; the first node to start Patroni bootstraps and takes it. */
	leader: string | undefined;
	/** Roles and their password verifier, and databases and their owner. */
	readonly roles = new Map<string, string>();
	readonly databases = new Map<string, string>();
	/** etcd members that have joined, by host name. */
	readonly etcdJoined = new Set<string>();
	/** Patroni's dynamic configuration in etcd: bootstrap.dcs of the node that bootstrapped, then what edit-config changed. */
	dcs: Record<string, unknown> | undefined;
	stanza: string | undefined;
	/** stanza-create attempts that find the archive lock held by a node's archive-push, as on a real repository. */
	archiveLockHeldFor = 0;
	/** The PostgreSQL parameters each member's postmaster started with (normalised as pg_settings shows them). */
	readonly startedWith = new Map<string, Record<string, string>>();
	/** A replica's row in the leader's pg_stat_replication other than "streaming, no lag" ("catchup|0", "streaming|99999999"). */
	readonly replication = new Map<string, string>();
	/** Members restarted through `patronictl restart`, in order. */
	readonly restarts: string[] = [];
	readonly backups: Array<{type: string; label: string; timestamp: {start: number; stop: number}; info: {size: number}}> = [];

	constructor(machines: ReadonlyArray<{name: string; ip: string}>) {
		for (const m of machines) {
			const host = new FakeDebianHost(m.name, m.ip, 'eth0', (h, script, stdin) => this.answer(h, script, stdin));
			host.onStart = unit => this.started(host, unit);
			this.hosts.set(m.name, host);
		}
	}

	/** A fresh Debian host for each host of the answers. */
	static of(answers: Answers): FakeCluster {
		return new FakeCluster(answers.hosts);
	}

	host(name: string): FakeDebianHost {
		const host = this.hosts.get(name);
		if (!host) throw new Error(`no fake host ${name}`);
		return host;
	}

	/** A connection to every host. */
	connections(): Map<string, HostConnection> {
		return new Map([...this.hosts].map(([name, host]) => [name, host.connection()]));
	}

	/** Opens fake connections the way the SSH connector would open real ones. */
	readonly connect: Connector = async host => this.host(host.name).connection();

	/** Every script some host did not understand. */
	unknown(): string[] {
		return [...this.hosts.values()].flatMap(h => h.unknown);
	}

	/** Starts, restarts and reloads on every host. */
	serviceActions(): Record<string, Record<string, string>> {
		return Object.fromEntries([...this.hosts].map(([name, host]) => [name, host.serviceActions()]));
	}

	private active(host: FakeDebianHost | undefined, unit: string): boolean {
		return host?.unit(unit)?.active === true;
	}

	private started(host: FakeDebianHost, unit: string): void {
		if (unit === 'etcd') {
			this.etcdJoined.add(host.name);
			host.dirs.set('/var/lib/etcd/member', {owner: 'etcd', group: 'etcd', mode: 0o700});
		}
		if (unit === 'patroni') {
			if (!this.host(host.name).files.has(locations.patroniConfig)) throw new Error(`patroni on ${host.name} started without ${locations.patroniConfig}`);
			// The unit already runs here, so a first start finds this host leading: it bootstraps the roles.
			if (!this.leaderNow()) this.leader = host.name;
			if (this.leader === host.name && !this.roles.has('postgres')) this.bootstrapRoles(host);
			if (this.leader === host.name && !this.dcs) this.dcs = (YAML.parse(host.files.get(locations.patroniConfig)!.content) as {bootstrap: {dcs: Record<string, unknown>}}).bootstrap.dcs;
			host.files.set(`${locations.pgDataDir}/PG_VERSION`, {content: '15\n', owner: 'postgres', group: 'postgres', mode: 0o600});
			this.startedWith.set(host.name, this.dcsParameters());
		}
	}

	/** The DCS's PostgreSQL parameters, each normalised as pg_settings shows it. */
	private dcsParameters(): Record<string, string> {
		const parameters = ((this.dcs?.['postgresql'] as {parameters?: Record<string, unknown>} | undefined)?.parameters ?? {}) as Record<string, unknown>;
		return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name.toLowerCase(), normaliseParameter(name, value)]));
	}

	/** pg_settings on a member: the running value, pending_restart when the DCS holds another value of a postmaster parameter. */
	private pgSettings(host: FakeDebianHost, sql: string): Answer {
		const running = this.startedWith.get(host.name) ?? {};
		const wanted = this.dcsParameters();
		const named = [...sql.matchAll(/'([a-z0-9_.]+)'/g)].map(n => n[1]!);
		const pending = (name: string) => findParameter(name)?.spec.context === 'postmaster' && wanted[name] !== undefined && wanted[name] !== running[name];
		const names = [...new Set([...Object.keys(wanted).filter(pending), ...named])].sort();
		return out(names.map(name => `${name}|${pending(name) ? 't' : 'f'}|${running[name] ?? findParameter(name)?.spec.boot ?? ''}\n`).join(''));
	}

	/** `patronictl restart --force CLUSTER MEMBER`: the member's postmaster starts again with the DCS's values. */
	private restart(script: string): Answer {
		const member = words(script).at(-1)!;
		if (!this.active(this.hosts.get(member), 'patroni')) return {code: 1, stderr: `Error: ${member} is not a running member`};
		this.startedWith.set(member, this.dcsParameters());
		this.restarts.push(member);
		return out(`Success: restart on member ${member}\n`);
	}

	/** What Patroni's bootstrap does to the roles: the superuser and the replication role get the configuration's passwords. */
	private bootstrapRoles(host: FakeDebianHost): void {
		const config = YAML.parse(host.files.get(locations.patroniConfig)!.content) as {postgresql: {authentication: Record<string, {username: string; password: string}>}};
		for (const kind of ['superuser', 'replication']) {
			const user = config.postgresql.authentication[kind]!;
			this.roles.set(user.username, freshVerifier(user.password));
		}
	}

	/** Patroni's members: nodes whose Patroni runs, in host order. */
	private members(): FakeDebianHost[] {
		return [...this.hosts.values()].filter(h => this.active(h, 'patroni'));
	}

	/** The leader while its Patroni runs; otherwise the first running member takes over. */
	leaderNow(): string | undefined {
		const members = this.members();
		if (!members.some(m => m.name === this.leader)) this.leader = members[0]?.name;
		return this.leader;
	}

	/** The balancer that holds the VIP: the first whose Keepalived and HAProxy run, with the VIP in its config. */
	vipHolder(): {host: FakeDebianHost; vip: string} | undefined {
		for (const host of this.hosts.values()) {
			const vip = host.files.get(locations.keepalivedConfig)?.content.match(/virtual_ipaddress \{\s*([\d.]+)\//)?.[1];
			if (vip && this.active(host, 'keepalived') && this.active(host, 'haproxy')) return {host, vip};
		}
		return undefined;
	}

	private byIp(ip: string): FakeDebianHost | undefined {
		return [...this.hosts.values()].find(h => h.ip === ip);
	}

	/** Whether HAProxy would count a server up: PgBouncer runs there and Patroni reports the role. */
	private serverUp(name: string, listener: string): boolean {
		const node = this.hosts.get(name);
		if (!this.active(node, 'pgbouncer') || !this.active(node, 'patroni')) return false;
		return (this.leaderNow() === name) === (listener === 'primary');
	}

	private answer(host: FakeDebianHost, script: string, stdin: string | undefined): Answer {
		if (script === 'ip -o -4 addr show') {
			const holder = this.vipHolder();
			const vip = holder?.host === host ? `2: ${host.iface}    inet ${holder.vip}/24 scope global secondary ${host.iface}\n` : '';
			return out(`1: lo    inet 127.0.0.1/8 scope host lo\n2: ${host.iface}    inet ${host.ip}/24 brd 255.255.255.255 scope global ${host.iface}\n${vip}`);
		}
		let m = script.match(/^timeout 1 bash -c 'exec 3<>\/dev\/tcp\/([\d.]+)\/22' 2>&1; echo "exit=\$\?"$/);
		if (m) return out(this.byIp(m[1]!) || this.vipHolder()?.vip === m[1] ? 'exit=0\n' : 'bash: connect: No route to host\nexit=1\n');
		if (script === `echo 'show stat' | socat -t 2 stdio unix-connect:${locations.haproxySocket}`) return this.haproxyStats(host);
		if (script === patroniApiGet('/cluster')) return this.patroniApi(host);
		if (script === patroniApiGet('/config')) return this.active(host, 'patroni') && this.dcs ? out(JSON.stringify(this.dcs)) : {code: 1, stderr: 'urllib.error.URLError: <urlopen error [Errno 111] Connection refused>'};
		if (script === `timeout 20 patronictl -c ${locations.patroniConfig} list -f json`) return this.patronictl(host);
		if (script === `timeout 20 patronictl -c ${locations.patroniConfig} show-config`) return this.showConfig(host);
		if (script.startsWith(`timeout 20 patronictl -c ${locations.patroniConfig} edit-config --force `)) return this.editConfig(host, script);
		// A line a step says as this host's output.
		if (script.startsWith("printf '%s\\n' ")) return out(`${words(script)[2]}\n`);
		// No drill ever armed an undo timer on these hosts.
		if (script === pendingUndoScript) return out('');
		if (script.startsWith(`timeout 180 patronictl -c ${locations.patroniConfig} restart --force `)) return this.restart(script);
		if (script.startsWith('ETCDCTL_API=3 etcdctl ')) return this.etcdctl(host, script);
		if (script === etcdVersionScript(host.ip)) return this.active(host, 'etcd') ? out('{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}\n') : {code: 1, stderr: ''};
		if (script === 'cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres') return this.psql(host, stdin ?? '', script);
		if (script.startsWith('runuser -u postgres -- pgbackrest ')) return this.pgbackrest(host, script);
		if (script.startsWith('set -e; f=$(mktemp); trap ')) return this.asOwner(host, script);
		return undefined;
	}

	private patronictl(host: FakeDebianHost): Answer {
		if (!this.active(host, 'patroni')) return {code: 1, stderr: 'Error: Patroni is not running here'};
		const leader = this.leaderNow();
		// In synchronous mode Patroni names one replica the synchronous standby: here the first in host order.
		const sync = this.dcs?.['synchronous_mode'] === true ? this.members().find(m => m.name !== leader)?.name : undefined;
		return out(
			JSON.stringify(
				this.members().map(m =>
					m.name === leader ? {Member: m.name, Role: 'Leader', State: 'running', TL: 1} : {Member: m.name, Role: m.name === sync ? 'Sync Standby' : 'Replica', State: 'streaming', TL: 1, 'Lag in MB': 0},
				),
			),
		);
	}

	/** GET /cluster on this node's Patroni REST API: the same members in the API's own words. */
	private patroniApi(host: FakeDebianHost): Answer {
		if (!this.active(host, 'patroni')) return {code: 1, stderr: 'urllib.error.URLError: <urlopen error [Errno 111] Connection refused>'};
		const listed = JSON.parse(this.patronictl(host)?.stdout ?? "[]") as Array<{Member: string; Role: string; State: string; TL: number; 'Lag in MB'?: number}>;
		const role = (r: string) => (r === 'Leader' ? 'leader' : r === 'Sync Standby' ? 'sync_standby' : 'replica');
		return out(JSON.stringify({members: listed.map(m => ({name: m.Member, role: role(m.Role), state: m.State, timeline: m.TL, ...(m['Lag in MB'] !== undefined ? {lag: m['Lag in MB'] * 1_048_576} : {})}))}));
	}

	/** `patronictl show-config`: the dynamic configuration as YAML, as Patroni prints it. */
	private showConfig(host: FakeDebianHost): Answer {
		if (!this.active(host, 'patroni') || !this.dcs) return {code: 1, stderr: 'Error: no cluster configuration in etcd'};
		return out(YAML.stringify(this.dcs));
	}

	/** `patronictl edit-config --force -s key=value ...`: each value read as YAML, top-level keys only. */
	private editConfig(host: FakeDebianHost, script: string): Answer {
		if (!this.active(host, 'patroni') || !this.dcs) return {code: 1, stderr: 'Error: no cluster configuration in etcd'};
		const w = words(script).slice(7);
		const pairs: Array<[string, unknown]> = [];
		for (let i = 0; i < w.length; i += 2) {
			const [flag, pair] = [w[i], w[i + 1]];
			if (flag !== '-s' || !pair?.includes('=')) return undefined;
			pairs.push([pair.slice(0, pair.indexOf('=')), YAML.parse(pair.slice(pair.indexOf('=') + 1))]);
		}
		// As patronictl's set_path_value: a dotted key walks into mappings (postgresql.parameters re-joins the rest as one
		// parameter name, pg_stat_statements.max), and null removes the key.
		const dcs = structuredClone(this.dcs);
		for (const [key, value] of pairs) {
			const path = key.split('.');
			const flat = path[0] === 'postgresql' && path[1] === 'parameters' && path.length > 3 ? ['postgresql', 'parameters', path.slice(2).join('.')] : path;
			let node = dcs as Record<string, unknown>;
			for (const part of flat.slice(0, -1)) {
				if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
				node = node[part] as Record<string, unknown>;
			}
			if (value === null) delete node[flat.at(-1)!];
			else node[flat.at(-1)!] = value;
		}
		this.dcs = dcs;
		return out('Configuration changed\n');
	}

	private etcdctl(host: FakeDebianHost, script: string): Answer {
		// etcd admits a client only with a certificate from the cluster CA, and listens only on the member's own address over https.
		const flag = (name: string) => script.match(new RegExp(`--${name}=(\\S+)`))?.[1];
		const tls = ['cacert', 'cert', 'key'].map(flag);
		if (tls.some(path => !path || !host.files.has(path))) return {code: 1, stderr: `tls: certificate required (etcdctl on ${host.name} gave ${tls.join(' ')})`};
		const endpoints = flag('endpoints')?.split(',') ?? [];
		const at = endpoints.map(e => ({endpoint: e, member: /^https:\/\/[\d.]+:2379$/.test(e) ? this.byIp(e.replace(/^https:\/\/|:\d+$/g, '')) : undefined}));
		const up = at.map(a => ({...a, healthy: this.active(a.member, 'etcd')}));
		const command = script.replace(/^.*--command-timeout=\S+ /, '');
		const allHealthy = up.length > 0 && up.every(u => u.healthy);
		const id = (name: string) => [...this.hosts.keys()].indexOf(name) + 1;
		switch (command) {
			case 'endpoint health':
				return allHealthy ? out(up.map(u => `${u.endpoint} is healthy\n`).join('')) : {code: 1, stderr: 'unhealthy cluster'};
			case 'endpoint health -w json':
				return out(JSON.stringify(up.map(u => ({endpoint: u.endpoint, health: u.healthy, ...(u.healthy ? {} : {error: 'context deadline exceeded'})}))), allHealthy ? 0 : 1);
			case 'endpoint status -w json': {
				const leader = up.find(u => u.healthy)?.member?.name;
				return out(JSON.stringify(up.filter(u => u.healthy).map(u => ({Endpoint: u.endpoint, Status: {header: {member_id: id(u.member!.name)}, leader: leader ? id(leader) : 0, dbSize: 20480}}))));
			}
			case 'member list -w simple':
				if (!up.some(u => u.healthy)) return {code: 1, stderr: 'context deadline exceeded'};
				return out([...this.etcdJoined].map(name => `${id(name).toString(16)}, started, ${name}, https://${this.host(name).ip}:2380, https://${this.host(name).ip}:2379, false\n`).join(''));
			default:
				return undefined;
		}
	}

	private psql(host: FakeDebianHost, sql: string, script: string): Answer {
		if (!this.active(host, 'patroni')) return {code: 2, stderr: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed'};
		const primary = this.leaderNow() === host.name;
		if (sql === 'select pg_is_in_recovery();') return out(primary ? 'f\n' : 't\n');
		// The fake's server is always the installed one: its packages never change under a running member.
		if (sql === 'select version();') return out(`PostgreSQL 15 (Debian ${host.versions.get('postgresql-15') ?? FakeDebianHost.packageVersion}) on x86_64-pc-linux-gnu\n`);
		if (sql.startsWith('select name, pending_restart, setting from pg_settings where pending_restart')) return this.pgSettings(host, sql);
		if (sql.startsWith('select application_name, state,') && sql.includes('from pg_stat_replication')) {
			if (!primary) return out('');
			return out(this.members().filter(m => m.name !== host.name).map(m => `${m.name}|${this.replication.get(m.name) ?? 'streaming|0'}\n`).join(''));
		}
		let m = sql.match(/^select \(select rolpassword from pg_authid where rolname = '(\w+)'\) = '([^']+)' and exists \(select from pg_database d join pg_roles r on r\.oid = d\.datdba where d\.datname = '(\w+)' and r\.rolname = '\1'\);$/);
		if (m) return out(this.roles.get(m[1]!) === m[2] && this.databases.get(m[3]!) === m[1] ? 't\n' : 'f\n');
		m = sql.match(/alter role (\w+) with login password '([^']+)';[\s\S]*alter database (\w+) owner to \1;$/);
		if (m) {
			if (!primary) return {code: 1, stderr: 'ERROR:  cannot execute ALTER ROLE in a read-only transaction'};
			this.roles.set(m[1]!, m[2]!);
			this.databases.set(m[3]!, m[1]!);
			return out('');
		}
		m = sql.match(/^select rolname, coalesce\(rolpassword, ''\) from pg_authid where rolname in \(([^)]*)\) order by 1;$/);
		if (m) {
			const names = [...m[1]!.matchAll(/'(\w+)'/g)].map(n => n[1]!).sort();
			return out(names.flatMap(name => (this.roles.has(name) ? [`${name}|${this.roles.get(name)}\n`] : [])).join(''));
		}
		const alters = [...sql.matchAll(/^alter role (\w+) with password '([^']+)';$/gm)];
		if (alters.length > 0 && alters.length === sql.trim().split('\n').length) {
			if (!primary) return {code: 1, stderr: 'ERROR:  cannot execute ALTER ROLE in a read-only transaction'};
			const missing = alters.find(a => !this.roles.has(a[1]!));
			if (missing) return {code: 1, stderr: `ERROR:  role "${missing[1]}" does not exist\nLINE 1: ${missing[0]}`};
			for (const a of alters) this.roles.set(a[1]!, a[2]!);
			return out('');
		}
		host.unknown.push(`${script} <<< ${sql}`);
		throw new Error(`fake host ${host.name} does not understand SQL: ${sql}`);
	}

	/** `show stat` on HAProxy's admin socket: the stats page's CSV, there only when HAProxy runs with the socket in its config. */
	private haproxyStats(host: FakeDebianHost): Answer {
		const config = host.files.get(locations.haproxyConfig)?.content ?? '';
		if (!this.active(host, 'haproxy') || !host.packages.has('socat') || !config.includes(`stats socket ${locations.haproxySocket} `))
			return {code: 1, stderr: `socat E connect(5, AF=1 "${locations.haproxySocket}", 23): No such file or directory`};
		const rows = ['# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status'];
		let listener = '';
		for (const line of config.split('\n')) {
			const section = line.match(/^listen (\S+)/);
			if (section) {
				listener = section[1]!;
				rows.push(`${listener},FRONTEND,${',,,,,,,,,,,,,,,'}OPEN`);
			}
			const server = line.trim().match(/^server (\S+) /);
			if (server && ['primary', 'replicas'].includes(listener)) rows.push(`${listener},${server[1]},${',,,,,,,,,,,,,,,'}${this.serverUp(server[1]!, listener) ? 'UP' : 'DOWN'}`);
		}
		return out(`${rows.join('\n')}\n\n`);
	}

	private pgbackrest(host: FakeDebianHost, script: string): Answer {
		const w = words(script).slice(4);
		const config = w.find(a => a.startsWith('--config='))?.slice('--config='.length);
		const stanza = w.find(a => a.startsWith('--stanza='))?.slice('--stanza='.length);
		if (!host.packages.has('pgbackrest') || !config || !host.files.has(config)) return {code: 1, stderr: `ERROR: [055]: unable to open missing file '${config}'`};
		const command = w.filter(a => !a.startsWith('--config=') && !a.startsWith('--stanza=')).slice(1).join(' ');
		const now = Math.round(Date.now() / 1000);
		switch (command) {
			case 'info --output=json': {
				const status = this.stanza !== stanza ? {code: 1, message: 'missing stanza path'} : this.backups.length === 0 ? {code: 2, message: 'no valid backups'} : {code: 0, message: 'ok'};
				return out(JSON.stringify([{name: stanza, status, backup: this.stanza === stanza ? this.backups : []}]));
			}
			case 'stanza-create':
				if (!this.leaderNow()) return {code: 1, stderr: 'ERROR: [056]: unable to find primary cluster'};
				if (this.archiveLockHeldFor > 0) {
					this.archiveLockHeldFor--;
					return {code: 50, stderr: `ERROR: [050]: unable to acquire lock on file '/tmp/pgbackrest/${stanza}-archive.lock': Resource temporarily unavailable`};
				}
				this.stanza = stanza;
				return out('');
			case '--type=full backup':
				if (this.stanza !== stanza) return {code: 1, stderr: 'ERROR: [055]: stanza does not exist'};
				this.backups.push({type: 'full', label: `20240101-000000F${this.backups.length}`, timestamp: {start: now - 60, stop: now}, info: {size: 30_000_000}});
				return out('');
			case 'check':
				return this.stanza === stanza && this.leaderNow() ? out('') : {code: 1, stderr: 'ERROR: [087]: archive_mode must be enabled'};
			default:
				return undefined;
		}
	}

	/** verify's write through the VIP and read back from a replica. */
	private asOwner(host: FakeDebianHost, script: string): Answer {
		const m = script.match(/psql -X -A -t -q -v ON_ERROR_STOP=1 ('[^']*'|\S+) -c ('(?:[^']|'\\'')*'|\S+)$/);
		if (!m) return undefined;
		const target = words(m[1]!)[0]!;
		const sql = words(m[2]!)[0]!;
		const port = Number(target.match(/port=(\d+)/)?.[1]);
		const vip = target.match(/host=([\d.]+)/)?.[1];
		const holder = this.vipHolder();
		if (!holder || holder.vip !== vip) return {code: 2, stderr: `psql: error: connection to server at "${vip}", port ${port} failed: No route to host`};
		const listener = port === ports.readWrite ? 'primary' : 'replicas';
		if (!this.members().some(n => this.serverUp(n.name, listener))) return {code: 2, stderr: 'psql: error: server closed the connection unexpectedly'};
		if (sql.startsWith('create table')) return out('');
		if (sql.startsWith('insert into pgha_verify')) return out('1\n');
		if (sql.startsWith('select pg_is_in_recovery()')) return out('true 1\n');
		host.unknown.push(script);
		throw new Error(`fake host ${host.name} does not understand: ${script}`);
	}
}

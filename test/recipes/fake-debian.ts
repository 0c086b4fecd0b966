import {createHash} from 'node:crypto';
import type {HostConnection, RunOptions, RunResult} from '../../source/transport/ssh.js';
import {RemoteCommandError} from '../../source/transport/ssh.js';
import {links, words} from './fake-shell.js';
import {installedListScript} from '../../recipes/host/package-record.js';
import {surveyScript} from '../../source/uninstall/survey.js';

/** A file on the fake host. */
export type FakeFile = {content: string; owner: string; group: string; mode: number; /** When it was last written (ms); files made otherwise count as written now. */ mtime?: number};

/** A directory on the fake host. */
export type FakeDirectory = {owner: string; group: string; mode: number};

/** A systemd unit: its state and how often it was started, restarted and reloaded. */
export type FakeUnit = {enabled: boolean; active: boolean; starts: number; restarts: number; reloads: number};

/** What installing a Debian package brings on a real host: its units (enabled, held back from starting) and system users. */
const packageEffects: Record<string, {units?: string[]; users?: string[]}> = {
	'etcd-server': {units: ['etcd'], users: ['etcd']},
	'postgresql-15': {users: ['postgres']},
	'postgresql-client-15': {users: ['postgres']},
	pgbackrest: {users: ['postgres']},
	patroni: {units: ['patroni']},
	pgbouncer: {units: ['pgbouncer'], users: ['postgres']},
	haproxy: {units: ['haproxy'], users: ['haproxy']},
	keepalived: {units: ['keepalived']},
	cron: {units: ['cron']},
};

/** Answers the commands that need the other hosts (Patroni, etcd, the VIP, ...); undefined when a script is not one of them. */
export type PeerAnswer = (host: FakeDebianHost, script: string, stdin: string | undefined) => Partial<RunResult> | undefined;

const ok = (stdout = ''): RunResult => ({code: 0, stdout, stderr: ''});
const fail = (code: number, stderr = ''): RunResult => ({code, stdout: '', stderr});

/**
 * A Debian 12 host in memory for unit tests: files, directories, packages,
 * systemd units, users and sysctls, answering the commands the recipes send.
 * A command it does not know throws, naming the script, and is kept in
 * `unknown`, so a recipe that changes what it sends cannot pass unnoticed.
 */
export class FakeDebianHost {
	readonly files = new Map<string, FakeFile>();
	readonly dirs = new Map<string, FakeDirectory>();
	readonly packages = new Set<string>();
	/** Packages removed with their configuration left (dpkg's rc). */
	readonly configOnly = new Set<string>();
	/** The version dpkg reports for each installed package; packageVersion unless one was asked for. */
	readonly versions = new Map<string, string>();
	/** The version a package gets when the install does not name one. */
	static readonly packageVersion = '1.0-1';
	readonly units = new Map<string, FakeUnit>();
	readonly users = new Set<string>(['root']);
	readonly sysctls = new Map<string, string>([['net.ipv4.ip_nonlocal_bind', '0']]);
	readonly scripts: string[] = [];
	/** How many batches of commands arrived in one round trip. */
	batches = 0;
	readonly unknown: string[] = [];
	daemonReloads = 0;
	/** Called after a unit starts or restarts, for state a service makes (etcd's member directory, a database). */
	onStart: (unit: string) => void = () => {};

	constructor(
		readonly name: string,
		readonly ip: string,
		readonly iface = 'eth0',
		private readonly peers: PeerAnswer = () => undefined,
	) {
		this.files.set('/etc/ssh/ssh_host_ed25519_key.pub', {content: `ssh-ed25519 AAAAhostkey${name} root@${name}\n`, owner: 'root', group: 'root', mode: 0o644});
	}

	/** The unit, or undefined when no installed package provides it. */
	unit(name: string): FakeUnit | undefined {
		return this.units.get(name);
	}

	/** Stops a unit as `systemctl stop` would. */
	stop(unit: string): void {
		const u = this.units.get(unit);
		if (u) u.active = false;
	}

	/** Removes a package as `apt-get remove` would (its units go with it). */
	remove(pkg: string): void {
		this.packages.delete(pkg);
		for (const unit of packageEffects[pkg]?.units ?? []) this.units.delete(unit);
	}

	/** Starts, restarts and reloads of every unit, to compare before and after a run. */
	serviceActions(): Record<string, string> {
		return Object.fromEntries([...this.units].map(([name, u]) => [name, `starts ${u.starts} restarts ${u.restarts} reloads ${u.reloads}`]));
	}

	/** A connection to this host with the shape of an SSH one. */
	connection(): HostConnection {
		const conn = {
			name: this.name,
			ip: this.ip,
			fingerprint: `SHA256:fake-${this.name}`,
			run: async (script: string, options: RunOptions = {}): Promise<RunResult> => {
				const result = this.run(script, options.stdin);
				for (const line of result.stdout.split('\n').filter(Boolean)) options.onLine?.('stdout', line);
				if (options.check !== false && result.code !== 0) throw new RemoteCommandError(this.name, script, result);
				return result;
			},
			runBatch: async (items: Array<{script: string; stdin?: string}>): Promise<RunResult[]> => {
				this.batches++;
				return items.map(item => this.run(item.script, item.stdin));
			},
			writeFile: async (path: string, content: string, owner = 'root', group = owner, mode = 0o644) => {
				for (const who of [owner, group]) if (!this.users.has(who)) throw new RemoteCommandError(this.name, `chown ${owner}:${group} ${path}`, fail(1, `chown: invalid user: '${who}'`));
				this.makeParents(path);
				this.files.set(path, {content, owner, group, mode, mtime: Date.now()});
			},
			readFile: async (path: string) => this.files.get(path)?.content,
			close: () => {},
		};
		return conn as unknown as HostConnection;
	}

	/** Runs one script the recipes send; throws on one it does not understand. */
	run(script: string, stdin?: string): RunResult {
		this.scripts.push(script);
		const peer = this.peers(this, script, stdin);
		if (peer) return {code: 0, stdout: '', stderr: '', ...peer};
		const whole = this.wholeScript(script);
		if (whole) return whole;
		let last: RunResult = ok();
		let stdout = '';
		for (const {op, words: w} of links(script)) {
			if ((op === '&&' && last.code !== 0) || (op === '||' && last.code === 0)) continue;
			last = this.command(w, script, stdin);
			stdout += last.stdout;
		}
		return {...last, stdout};
	}

	private misunderstood(script: string): never {
		this.unknown.push(script);
		throw new Error(`fake host ${this.name} does not understand: ${script}`);
	}

	private makeParents(path: string): void {
		const parts = path.split('/').slice(1, -1);
		for (let i = 1; i <= parts.length; i++) {
			const dir = `/${parts.slice(0, i).join('/')}`;
			if (!this.dirs.has(dir)) this.dirs.set(dir, {owner: 'root', group: 'root', mode: 0o755});
		}
	}

	private stat(path: string, format: string): string | undefined {
		const node = this.files.get(path) ?? this.dirs.get(path);
		if (!node) return undefined;
		const mtime = 'mtime' in node && node.mtime !== undefined ? node.mtime : Date.now();
		return format.replace('%U', node.owner).replace('%G', node.group).replace('%a', node.mode.toString(8)).replace('%Y', String(Math.floor(mtime / 1000)));
	}

	private install(list: string[]): void {
		for (const word of list) {
			const [pkg = word, version] = word.split('=');
			this.packages.add(pkg);
			this.configOnly.delete(pkg);
			this.versions.set(pkg, version ?? FakeDebianHost.packageVersion);
			for (const user of packageEffects[pkg]?.users ?? []) this.users.add(user);
			// Debian enables a packaged unit; policy-rc.d keeps it from starting.
			for (const unit of packageEffects[pkg]?.units ?? []) if (!this.units.has(unit)) this.units.set(unit, {enabled: true, active: false, starts: 0, restarts: 0, reloads: 0});
		}
	}

	/** Scripts with shell syntax beyond a sequence of simple commands, recognised whole. */
	private wholeScript(script: string): RunResult | undefined {
		let m = script.match(/^if \[ -f (\S+) \] && \[ ! -L \1 \]; then sha256sum < \1 \| cut -d' ' -f1; stat -c '%U:%G:%a' \1; fi$/);
		if (m) {
			const file = this.files.get(words(m[1]!)[0]!);
			return ok(file ? `${createHash('sha256').update(file.content).digest('hex')}\n${this.stat(words(m[1]!)[0]!, '%U:%G:%a')}\n` : '');
		}
		// The first certificate block of a file (a certificate file, or HAProxy's PEM with the key after it); nothing when there is none.
		m = script.match(/^sed -n '\/-----BEGIN CERTIFICATE-----\/,\/-----END CERTIFICATE-----\/p' (\S+) 2>\/dev\/null \| sed '\/-----END CERTIFICATE-----\/q'$/);
		if (m) {
			const content = this.files.get(words(m[1]!)[0]!)?.content ?? '';
			const block = content.match(/^-----BEGIN CERTIFICATE-----\n[\s\S]*?\n-----END CERTIFICATE-----\n?/m)?.[0] ?? '';
			return ok(block && !block.endsWith('\n') ? `${block}\n` : block);
		}
		m = script.match(/^\[ "\$\(stat -c '%U:%a' (\S+) 2>\/dev\/null\)" = (\S+) \]$/);
		if (m) return this.stat(words(m[1]!)[0]!, '%U:%a') === words(m[2]!)[0] ? ok() : fail(1);
		if (script.startsWith('. /etc/os-release;')) {
			const ip = script.match(/-v ip=(\S+)/)?.[1];
			if (!ip) this.misunderstood(script);
			const iface = words(ip)[0] === this.ip ? this.iface : '';
			return ok(`os=debian\nversion=12\narch=amd64\nuid=0\ndisk=20000\nclock=${Math.round(Date.now() / 1000)}\niface=${iface}\n`);
		}
		if (script.startsWith('marker=$(cat ')) {
			const lines = (this.files.get('/etc/pgha/cluster')?.content ?? '').split('\n');
			const marker = lines[0]!.trim();
			const removed = lines.includes('removed') ? 'removed=yes\n' : '';
			const etcd = ['/var/lib/etcd/member', '/var/lib/etcd/default/member'].filter(d => this.dirs.has(d)).map(d => `etcd=${d}\n`);
			const pg = [...this.files.keys()].filter(f => f === '/data/patroni/PG_VERSION' || /^\/var\/lib\/postgresql\/[^/]+\/main\/PG_VERSION$/.test(f)).map(f => `pg=${f}\n`);
			const wiped = this.files.has('/var/lib/pgbackrest/pgha-data-wiped') ? 'wiped=/var/lib/pgbackrest/pgha-data-wiped\n' : '';
			return ok(`marker=${marker}\n${etcd.join('')}${pg.join('')}${wiped}${removed}`);
		}
		m = script.match(/^dpkg-query -W -f='\$\{Package\}\\t\$\{Version\}\\t\$\{db:Status-Abbrev\}\\n' ([\w .+-]+) 2>\/dev\/null; true$/);
		if (m) {
			const list = m[1]!.trim().split(' ').filter(p => this.packages.has(p));
			return ok(list.map(p => `${p}\t${this.versions.get(p) ?? FakeDebianHost.packageVersion}\tii \n`).join(''));
		}
		if (script === installedListScript) return ok([...this.packages].sort().map(p => `${p}\n`).join(''));
		if (script === surveyScript) return ok(this.survey());
		m = script.match(/^dpkg-query -W -f='\$\{Package\}\\t\$\{db:Status-Abbrev\}\\n' ([\w .+-]+) 2>\/dev\/null; true$/);
		if (m) {
			const list = m[1]!.trim().split(' ');
			return ok(list.flatMap(p => (this.packages.has(p) ? [`${p}\tii \n`] : this.configOnly.has(p) ? [`${p}\trc \n`] : [])).join(''));
		}
		if (script.startsWith('# pgha uninstall: packages\n')) return this.removePackages(script);
		const reload = this.haproxyReload(script);
		if (reload) return reload;
		if (script.startsWith('set -e') && script.includes('policy-rc.d')) {
			const list = script.match(/apt-get \$opts install -y -q --no-install-recommends --allow-downgrades -o Dpkg::Options::=--force-confold ([\w .+=~:'-]+)$/);
			if (!list) this.misunderstood(script);
			this.install(words(list[1]!));
			return ok();
		}
		return undefined;
	}

	/** What the uninstall's survey script prints on this host. */
	private survey(): string {
		const record = this.files.get('/var/lib/pgha/packages-before');
		return [
			`marker=${this.files.get('/etc/pgha/cluster')?.content.trim() ?? ''}`,
			...(record ? ['record=yes', ...record.content.split('\n').filter(Boolean).map(p => `before=${p}`)] : []),
			...[...this.packages].sort().map(p => `installed=${p}`),
			...[...this.configOnly].sort().map(p => `config=${p}`),
			'',
		].join('\n');
	}

	/** The uninstall's package script: purge (etcd-server's purge deletes its data, as its postrm does) and remove. */
	private removePackages(script: string): RunResult {
		const list = (name: string) => words(script.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1] ?? "''").join(' ').split(' ').filter(Boolean);
		for (const pkg of list('purge')) {
			this.remove(pkg);
			this.configOnly.delete(pkg);
			if (pkg === 'etcd-server') this.removeTree('/var/lib/etcd');
		}
		for (const pkg of list('remove')) {
			this.remove(pkg);
			this.configOnly.add(pkg);
		}
		return ok();
	}

	/** rm -rf: the path and everything under it. */
	removeTree(path: string): void {
		for (const map of [this.files, this.dirs]) for (const key of [...map.keys()]) if (key === path || key.startsWith(`${path}/`)) map.delete(key);
	}

	/**
	 * HAProxy's reload as recipes/haproxy/steps.ts sends it, recognised line by
	 * line: the config checked (a failure stops it), the servers' states saved
	 * from the admin socket when HAProxy answers there (the file is replaced
	 * by mv: root's, 644), the reload (a failure stops it, the states left in
	 * the file), the wait for the new worker, and the file emptied to the
	 * format's version line (keeping its owner and mode, as `>` does).
	 */
	private haproxyReload(script: string): RunResult | undefined {
		const lines = script.split('\n');
		if (lines[0] !== 'set -e' || !lines[1]?.startsWith('haproxy -c ')) return undefined;
		const socat = String.raw`\/usr\/bin\/socat -t 2 stdio unix-connect:(\S+)`;
		const pid = String.raw`echo 'show info' \| ${socat} 2>\/dev\/null \| awk -F': ' '\$1 == "Pid" \{print \$2\}'`;
		const patterns = [
			/^set -e$/,
			/^haproxy -c -q -f (\S+)$/,
			new RegExp(String.raw`^old=\$\(${pid}\)$`),
			new RegExp(String.raw`^if echo 'show servers state' \| ${socat} > (\S+)\.new 2>\/dev\/null; then awk .* \2\.new (\S+) >> \2\.new 2>\/dev\/null \|\| true; mv \2\.new \2; else rm -f \2\.new; fi$`),
			/^systemctl reload haproxy \|\| \{ printf '1\\n' > (\S+); exit 1; \}$/,
			new RegExp(String.raw`^for i in \$\(seq 50\); do new=\$\(${pid}\); if \[ -n "\$new" \] && \[ "\$new" != "\$old" \]; then break; fi; sleep 0\.1; done$`),
			/^printf '1\\n' > (\S+)$/,
		];
		const m = lines.map((line, i) => patterns[i]?.exec(line));
		if (lines.length !== patterns.length || m.some(x => !x)) return this.misunderstood(script);
		const [config, socket, stateFile] = [m[1]![1]!, m[2]![1]!, m[3]![2]!];
		if (m[3]![1] !== socket || m[5]![1] !== socket || m[4]![1] !== stateFile || m[6]![1] !== stateFile) return this.misunderstood(script);
		const check = this.command(['haproxy', '-c', '-q', '-f', config], script, undefined);
		if (check.code !== 0) return check;
		const answers = this.units.get('haproxy')?.active === true && this.packages.has('socat') && (this.files.get(config)?.content.includes(`stats socket ${socket} `) ?? false);
		if (answers) {
			if (!this.dirs.has(stateFile.slice(0, stateFile.lastIndexOf('/')))) return fail(1, `bash: ${stateFile}.new: No such file or directory`);
			this.files.set(stateFile, {content: FakeDebianHost.savedServerStates, owner: 'root', group: 'root', mode: 0o644});
		}
		const reloaded = this.changeUnit('reload', 'haproxy', script);
		if (reloaded.code !== 0) {
			const saved = this.files.get(stateFile);
			if (saved) saved.content = '1\n';
			return reloaded;
		}
		const file = this.files.get(stateFile);
		if (file) file.content = '1\n';
		else if (this.dirs.has(stateFile.slice(0, stateFile.lastIndexOf('/')))) this.files.set(stateFile, {content: '1\n', owner: 'root', group: 'root', mode: 0o644});
		else return fail(1, `bash: ${stateFile}: No such file or directory`);
		return ok();
	}

	/** What the fake's HAProxy answers to `show servers state`: the version line, the header and one server. */
	static readonly savedServerStates = '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state\n3 primary 1 node1 10.0.0.1 2 0\n';

	private changeUnit(verb: string, name: string | undefined, script: string): RunResult {
		if (!name) this.misunderstood(script);
		const unit = this.units.get(name);
		if (!unit) return fail(verb === 'is-active' ? 3 : 1, `Unit ${name}.service not found.`);
		switch (verb) {
			case 'enable':
				unit.enabled = true;
				return ok();
			case 'start':
				if (!unit.active) {
					unit.active = true;
					unit.starts++;
					this.onStart(name);
				}
				return ok();
			case 'restart':
				// Restarting a stopped unit starts it.
				if (unit.active) unit.restarts++;
				else unit.starts++;
				unit.active = true;
				this.onStart(name);
				return ok();
			case 'reload':
				if (!unit.active) return fail(1, `Job for ${name}.service failed: unit is not active.`);
				unit.reloads++;
				return ok();
			default:
				return this.misunderstood(script);
		}
	}

	/** One simple command. */
	private command(w: string[], script: string, stdin: string | undefined): RunResult {
		const [cmd, ...args] = w;
		const flags = args.filter(a => a.startsWith('-'));
		const plain = args.filter(a => !a.startsWith('-'));
		switch (cmd) {
			case 'systemctl': {
				const [verb, name] = plain;
				const quiet = flags.includes('--quiet');
				if (verb === 'daemon-reload') {
					this.daemonReloads++;
					return ok();
				}
				if (verb === 'unmask') return ok();
				if (verb === 'disable' || verb === 'stop') {
					const unit = this.units.get(name ?? '');
					if (!unit) return fail(1, `Unit file ${name}.service does not exist.`);
					if (verb === 'disable') unit.enabled = false;
					if (verb === 'stop' || flags.includes('--now')) unit.active = false;
					return ok();
				}
				if (verb === 'is-enabled' || verb === 'is-active') {
					const unit = this.units.get(name ?? '');
					const state = verb === 'is-enabled' ? (unit ? (unit.enabled ? 'enabled' : 'disabled') : 'not-found') : unit?.active ? 'active' : 'inactive';
					const good = state === 'enabled' || state === 'active';
					return {code: good ? 0 : verb === 'is-active' ? 3 : 1, stdout: quiet ? '' : `${state}\n`, stderr: ''};
				}
				return this.changeUnit(verb ?? '', name, script);
			}
			case 'id':
				if (args[0] !== '-u' || !args[1]) return this.misunderstood(script);
				return this.users.has(args[1]) ? ok(`${[...this.users].indexOf(args[1]) + 100}\n`) : fail(1, `id: '${args[1]}': no such user`);
			case 'useradd': {
				const user = args.at(-1)!;
				if (this.users.has(user)) return fail(9, `useradd: user '${user}' already exists`);
				this.users.add(user);
				return ok();
			}
			case 'sysctl':
				if (args[0] === '-n' && args[1]) return this.sysctls.has(args[1]) ? ok(`${this.sysctls.get(args[1])}\n`) : fail(255, `sysctl: cannot stat ${args[1]}`);
				if (args[0] === '-q' && args[1] === '-w' && args[2]?.includes('=')) {
					const [key, value] = args[2].split('=') as [string, string];
					this.sysctls.set(key, value);
					return ok();
				}
				return this.misunderstood(script);
			case 'install': {
				const opt = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
				if (args[0] !== '-d' || args.indexOf('-m') < 0) return this.misunderstood(script);
				const owner = opt('-o') ?? 'root';
				if (!this.users.has(owner)) return fail(1, `install: invalid user '${owner}'`);
				const path = args.at(-1)!;
				this.makeParents(path);
				this.dirs.set(path, {owner, group: opt('-g') ?? owner, mode: Number.parseInt(opt('-m')!, 8)});
				return ok();
			}
			case 'chown': {
				// Only -h: pgha never changes an owner through a symbolic link.
				const [owner, group] = (args[1] ?? '').split(':');
				const node = this.dirs.get(args[2] ?? '') ?? this.files.get(args[2] ?? '');
				if (args[0] !== '-h' || !owner || !group || !node || args.length !== 3) return this.misunderstood(script);
				for (const who of [owner, group]) if (!this.users.has(who)) return fail(1, `chown: invalid user: '${args[1]}'`);
				Object.assign(node, {owner, group});
				return ok();
			}
			case 'chmod': {
				const node = this.dirs.get(args[1] ?? '') ?? this.files.get(args[1] ?? '');
				if (!/^[0-7]{3,4}$/.test(args[0] ?? '') || !node || args.length !== 2) return this.misunderstood(script);
				node.mode = Number.parseInt(args[0]!, 8);
				return ok();
			}
			case 'stat': {
				if (args[0] !== '-c' || !args[1] || !args[2]) return this.misunderstood(script);
				const out = this.stat(args[2], args[1]);
				return out === undefined ? fail(1, `stat: cannot statx '${args[2]}': No such file or directory`) : ok(`${out}\n`);
			}
			case 'test':
				if (args[0] === '-e' && args[1] && args.length === 2) return this.files.has(args[1]) || this.dirs.has(args[1]) ? ok() : fail(1);
				if (args[0] === '!' && args[1] === '-e' && args[2] && args.length === 3) return this.files.has(args[2]) || this.dirs.has(args[2]) ? fail(1) : ok();
				// The fake holds no symbolic links: `test -L` is always false.
				if (args[0] === '-L' && args[1]) return fail(1);
				if (args[0] === '!' && args[1] === '-L' && args[2]) return ok();
				if (args[0] !== '-s' || !args[1]) return this.misunderstood(script);
				return (this.files.get(args[1])?.content.length ?? 0) > 0 ? ok() : fail(1);
			case 'cat': {
				// Like cat: every file there is printed; a missing one is named and makes the exit 1.
				if (args.length === 0) return this.misunderstood(script);
				const stdout = args.map(a => this.files.get(a)?.content ?? '').join('');
				const missing = args.filter(a => !this.files.has(a));
				return {code: missing.length > 0 ? 1 : 0, stdout, stderr: missing.map(a => `cat: ${a}: No such file or directory\n`).join('')};
			}
			case 'true':
				return ok();
			case 'ls': {
				if (args[0] !== '-d') return this.misunderstood(script);
				const there = args.slice(1).filter(a => this.files.has(a) || this.dirs.has(a));
				return {code: there.length === args.length - 1 ? 0 : 2, stdout: there.map(a => `${a}\n`).join(''), stderr: ''};
			}
			case 'rm':
				if (args[0] === '-f') for (const a of args.slice(1)) this.files.delete(a);
				else if (args[0] === '-rf') for (const a of args.slice(1)) this.removeTree(a);
				else return this.misunderstood(script);
				return ok();
			case 'find': {
				const first = args.indexOf('-mindepth');
				if (first >= 0) {
					const roots = args.slice(0, first);
					const children = [...this.files.keys(), ...this.dirs.keys()].filter(k => roots.some(r => k.startsWith(`${r}/`))).sort();
					const rest = args.slice(first).join(' ');
					if (rest === '-mindepth 1 -maxdepth 1 -print -quit') return ok(children[0] ? `${children[0]}\n` : '');
					if (rest !== '-mindepth 1 -delete') return this.misunderstood(script);
					for (const child of children) this.removeTree(child);
					return ok();
				}
				const end = args.indexOf('-maxdepth');
				if (end < 0 || args.slice(end).join(' ') !== '-maxdepth 0 -empty') return this.misunderstood(script);
				const empty = args.slice(0, end).filter(d => this.dirs.has(d) && ![...this.files.keys(), ...this.dirs.keys()].some(k => k.startsWith(`${d}/`)));
				return ok(empty.map(d => `${d}\n`).join(''));
			}
			case 'rmdir':
				for (const d of args.filter(a => a !== '--ignore-fail-on-non-empty')) if (this.dirs.has(d) && ![...this.files.keys(), ...this.dirs.keys()].some(k => k.startsWith(`${d}/`))) this.dirs.delete(d);
				return ok();
			case 'userdel':
				if (!args[0] || !this.users.has(args[0])) return fail(6, `userdel: user '${args[0] ?? ''}' does not exist`);
				this.users.delete(args[0]);
				return ok();
			case 'echo':
				return ok(`${args.join(' ')}\n`);
			case 'cd':
				return ok();
			case 'sed': {
				const key = args[1]?.match(/^s\/\^(\w+) \*= \*\/\/p$/)?.[1];
				if (args[0] !== '-n' || !key || !args[2]) return this.misunderstood(script);
				const file = this.files.get(args[2]);
				if (!file) return fail(2, `sed: can't read ${args[2]}: No such file or directory`);
				return ok(file.content.split('\n').flatMap(line => line.match(new RegExp(`^${key} *= *(.*)$`))?.[1] ?? []).map(v => `${v}\n`).join(''));
			}
			case 'haproxy':
				if (args.join(' ') !== `-c -q -f ${args.at(-1)}`) return this.misunderstood(script);
				return this.files.has(args.at(-1)!) && this.packages.has('haproxy') ? ok() : fail(1, 'haproxy: cannot open configuration file');
			case 'ip':
				if (args.join(' ') === `link show dev ${args.at(-1)}`) return args.at(-1) === this.iface ? ok(`2: ${this.iface}: <BROADCAST,MULTICAST,UP,LOWER_UP>\n`) : fail(1, `Device "${args.at(-1)}" does not exist.`);
				return this.misunderstood(script);
			case 'runuser':
				if (args.slice(0, 3).join(' ') === '-u postgres --' && args[3] === 'ssh-keygen') {
					const file = args[args.indexOf('-f') + 1]!;
					if (!this.users.has('postgres')) return fail(1, "runuser: user postgres does not exist");
					if (this.files.has(file)) return fail(1, `${file} already exists.`);
					this.files.set(file, {content: 'PRIVATE KEY\n', owner: 'postgres', group: 'postgres', mode: 0o600});
					this.files.set(`${file}.pub`, {content: `ssh-ed25519 AAAAuserkey${this.name} postgres@${this.name}\n`, owner: 'postgres', group: 'postgres', mode: 0o644});
					return ok();
				}
				return this.misunderstood(script);
			default:
				return this.misunderstood(script);
		}
	}
}

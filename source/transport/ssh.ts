import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {NodeSSH} from 'node-ssh';
import {PassThrough, type Readable} from 'node:stream';
import type {Answers} from '../answers/schema.js';
import {UserError} from '../errors.js';
import {readExit, readFileScript, writeFileScript} from './file-scripts.js';
import {lineSplitter} from './line-splitter.js';
import {shQuote} from './quote.js';
import {batchNonce, batchScript, parseBatch, type BatchItem} from './batch.js';
import {ChannelGate} from './channel-gate.js';

export type SshSettings = Answers['ssh'];

/** What a remote command left behind. */
export type RunResult = {code: number; stdout: string; stderr: string};

export type RunOptions = {
	/** Sent on the command's stdin: the only way secrets travel, and how files too large for a string (a bundle's packages) are streamed. */
	stdin?: string | Readable;
	/** Milliseconds before the command is abandoned (default 10 minutes). */
	timeoutMs?: number;
	/** Each stdout/stderr line as it arrives. */
	onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
	/** Reject on a non-zero exit (default true). */
	check?: boolean;
};

/** A failed remote command, with what it printed last. */
export class RemoteCommandError extends Error {
	constructor(
		readonly host: string,
		readonly command: string,
		readonly result: RunResult,
		reason?: string,
	) {
		super(reason ?? `exited with code ${result.code}`);
		this.name = 'RemoteCommandError';
	}
}

/** What a connection needs from SSH: run one command line and hang up (a fake in unit tests). */
export type Session = Pick<NodeSSH, 'execCommand' | 'dispose'>;

/**
 * How commands reach root: already root, sudo that asks for nothing (-n), or
 * sudo that reads the password as the first line of stdin (-S).
 */
export type SudoMode = 'root' | 'passwordless' | 'password';

/** The SHA256 fingerprint of a host key, as ssh-keygen -l prints it. */
export function fingerprintOf(key: Buffer): string {
	return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * A host that presented another key than the one recorded for it. The
 * connection ended during the key exchange: nothing was offered to it.
 * `seen` is the key it presented, for `pgha trust-host` to show. Its name
 * stays UserError: to everything else it is one.
 */
export class HostKeyChanged extends UserError {
	constructor(
		readonly host: string,
		readonly ip: string,
		readonly seen: string,
		readonly expected: string,
	) {
		super(
			`${host} (${ip}) presented host key ${seen}, but ${expected} is recorded for it (ssh.hostKeys.${host}); ` +
				'pgha stopped before offering any password or key. If the server was reinstalled or replaced, run ' +
				`\`pgha trust-host ${host}\` (with --cluster NAME when several clusters are saved): it shows both keys, for you to compare the new one ` +
				'with the server\'s console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), and records it once you accept ' +
				`(an answer file that pins ssh.hostKeys.${host} needs the new key too). Otherwise do not connect: another machine may be answering at that address.`,
		);
	}
}

/**
 * One SSH connection to one host. Every command runs as root (through sudo
 * for other users) inside `bash -c`, whatever the login shell is.
 */
export class HostConnection {
	private constructor(
		readonly name: string,
		readonly ip: string,
		readonly fingerprint: string,
		private readonly ssh: Session,
		private readonly settings: SshSettings,
		/** Decided once, right after login: see `attach`. */
		readonly sudo: SudoMode,
	) {}

	/** Every command is a channel; the host allows only so many at once (channel-gate.ts). */
	private readonly channels = new ChannelGate();

	/**
	 * Connects and checks the host key: with a recorded fingerprint a mismatch is
	 * refused; without one, the key seen is returned for the caller to record.
	 * ssh2 calls hostVerifier during the key exchange, before it asks for the
	 * ssh-userauth service, so a refused key ends the connection before the
	 * password, the key or the agent is ever offered.
	 */
	static async open(host: {name: string; ip: string}, settings: SshSettings, expected?: string, signal?: AbortSignal): Promise<HostConnection> {
		const ssh = new NodeSSH();
		// An abandoned attempt (e.g. an address still being typed) must not hold the process open until its timeout.
		const abort = () => ssh.connection?.destroy();
		signal?.addEventListener('abort', abort, {once: true});
		let seen = '';
		const config: Parameters<NodeSSH['connect']>[0] = {
			host: host.ip,
			port: settings.port,
			username: settings.user,
			readyTimeout: 15_000,
			keepaliveInterval: 10_000,
			hostVerifier: (key: Buffer) => {
				seen = fingerprintOf(key);
				return !expected || expected === seen;
			},
		};
		if (settings.identityFile) {
			const file = settings.identityFile.replace(/^~(?=$|\/)/, homedir());
			try {
				config.privateKey = await readFile(file, 'utf8');
			} catch {
				throw new UserError(`ssh.identityFile ${settings.identityFile} cannot be read; check the path or use ssh.agent`);
			}
		}
		if (settings.agent) config.agent = process.env['SSH_AUTH_SOCK'];
		if (settings.password) config.password = settings.password;
		try {
			if (signal?.aborted) throw new Error('connection abandoned');
			await ssh.connect(config);
			// A host lost after login (power cut, cable pulled) makes the socket fail under a running
			// command, which then reports the lost connection itself; unheard, the error would end pgha.
			ssh.connection?.on('error', () => undefined);
			// node-ssh listens for errors once per command; checks run side by side on one connection, more than Node's default ten.
			ssh.connection?.setMaxListeners(64);
			// Each command is a few small packets, each waiting for the last one's answer: Nagle's algorithm
			// against the server's delayed ACK held every command back about 40 ms.
			ssh.connection?.setNoDelay(true);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			if (expected && seen && seen !== expected) throw new HostKeyChanged(host.name, host.ip, seen, expected);
			if (/authentication/i.test(message))
				throw new UserError(`${host.name} (${host.ip}): SSH login as ${settings.user} was refused; check ssh.user and the key or password`);
			throw new UserError(`${host.name} (${host.ip}) is unreachable over SSH port ${settings.port}: ${message}`);
		} finally {
			signal?.removeEventListener('abort', abort);
		}
		try {
			return await HostConnection.attach(host, ssh, settings, seen);
		} catch (error) {
			ssh.dispose();
			throw error;
		}
	}

	/**
	 * A connection over a logged-in session. For a user other than root it asks
	 * once whether sudo needs a password (`sudo -k -n`): only then is
	 * ssh.sudoPassword sent, as the first stdin line sudo itself reads. Sent to a
	 * sudo that never asks, it would land at the top of a file being written.
	 */
	static async attach(host: {name: string; ip: string}, ssh: Session, settings: SshSettings, fingerprint: string): Promise<HostConnection> {
		if (settings.user === 'root') return new HostConnection(host.name, host.ip, fingerprint, ssh, settings, 'root');
		const where = `${host.name} (${host.ip})`;
		// The same form every command takes (sudo bash -c ...), so a rule limited to some commands answers as it will later.
		const probe = await ssh.execCommand(`sudo -k -n bash -c true`);
		if (probe.code === 0) return new HostConnection(host.name, host.ip, fingerprint, ssh, settings, 'passwordless');
		if (/sudo: (command )?not found/.test(probe.stderr))
			throw new UserError(`${where}: sudo is not installed; log in as root (ssh.user: root) or install sudo for ${settings.user}`);
		if (!settings.sudoPassword)
			throw new UserError(
				`${where}: the SSH login as ${settings.user} works, but sudo asks for a password; set ssh.sudoPassword (\${PGHA_SUDO_PASSWORD} in an answer file) or give ${settings.user} passwordless sudo`,
			);
		// -k ignores cached credentials, so sudo asks every time and always consumes the password line.
		const check = await ssh.execCommand(`sudo -k -S -p '' bash -c true`, {stdin: `${settings.sudoPassword}\n`});
		if (check.code !== 0) throw new UserError(`${where}: sudo refused ssh.sudoPassword for ${settings.user}; check the password and that ${settings.user} may use sudo`);
		return new HostConnection(host.name, host.ip, fingerprint, ssh, settings, 'password');
	}

	/** Runs a bash script as root; rejects with RemoteCommandError on failure unless check is false. */
	async run(script: string, options: RunOptions = {}): Promise<RunResult> {
		// The timeout counts from when the command has its channel, not while it waits for one.
		// Wrapped once: a refused channel never reads its stdin, so a retry sends the same stream.
		const wrapped = this.wrap(script, options.stdin);
		return this.channels.run(() => this.runOnChannel(script, wrapped, options));
	}

	private async runOnChannel(script: string, {command, stdin}: {command: string; stdin?: string | Readable}, options: RunOptions): Promise<RunResult> {
		const out = lineSplitter(line => options.onLine?.('stdout', line));
		const err = lineSplitter(line => options.onLine?.('stderr', line));
		let stdout = '';
		let stderr = '';
		let channel: {close: () => void; signal?: (name: string) => void} | undefined;
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			channel?.signal?.('KILL');
			channel?.close();
		}, options.timeoutMs ?? 600_000);
		try {
			const response = await this.ssh.execCommand(command, {
				stdin,
				noTrim: true,
				onChannel: ch => (channel = ch as unknown as typeof channel),
				onStdout: chunk => {
					stdout += chunk.toString('utf8');
					out.push(chunk);
				},
				onStderr: chunk => {
					stderr += chunk.toString('utf8');
					err.push(chunk);
				},
			});
			out.end();
			err.end();
			const result = {code: response.code ?? 255, stdout, stderr};
			if (timedOut) throw new RemoteCommandError(this.name, script, result, `timed out after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s`);
			if (options.check !== false && result.code !== 0)
				throw new RemoteCommandError(this.name, script, result, response.code === null ? 'was ended by a signal (connection lost?)' : undefined);
			return result;
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Runs several commands in one round trip, each as `run` with check false
	 * would (its own bash, stdin, exit code and output): a phase's checks on a
	 * host cost one exec, and with a sudo password one sudo, instead of one each.
	 */
	async runBatch(items: readonly BatchItem[], timeoutMs = 120_000): Promise<RunResult[]> {
		if (items.length === 0) return [];
		const nonce = batchNonce();
		const result = await this.run('bash -s', {stdin: batchScript(items, nonce), check: false, timeoutMs});
		return parseBatch(result.stdout, nonce, items.length);
	}

	/**
	 * Writes a file through stdin (never the command line) with its owner and
	 * mode, never through a symbolic link someone else planted: in a directory
	 * the file's owner controls the write runs as that owner (file-scripts.ts).
	 */
	async writeFile(path: string, content: string, owner = 'root', group = owner, mode = 0o644): Promise<void> {
		const result = await this.run(writeFileScript(path, owner, group, mode), {stdin: content, check: false});
		// Named by what it does: the script itself is a page of walking and checking.
		if (result.code !== 0) throw new RemoteCommandError(this.name, `write ${path}`, result);
	}

	/**
	 * Reads a regular file, or undefined when it does not exist, is a symbolic
	 * link or lies behind one an unprivileged user could have planted: pgha
	 * never reads (and so never logs) what such a link points to.
	 */
	async readFile(path: string): Promise<string | undefined> {
		const result = await this.run(readFileScript(path), {check: false});
		if (result.code === readExit.missing || result.code === readExit.notPlain) return undefined;
		if (result.code !== 0) throw new RemoteCommandError(this.name, `read ${path}`, result);
		return result.stdout;
	}

	close(): void {
		this.ssh.dispose();
	}

	private wrap(script: string, stdin?: string | Readable): {command: string; stdin?: string | Readable} {
		const inner = `bash -c ${shQuote(script)}`;
		if (this.sudo === 'root') return {command: inner, stdin};
		if (this.sudo === 'password') {
			// sudo -S reads the password as the first line of stdin; the rest stays for the script.
			// -k ignores cached credentials, so that line is always consumed by sudo, never by the script.
			const command = `sudo -k -S -p '' ${inner}`;
			const password = `${this.settings.sudoPassword ?? ''}\n`;
			if (stdin === undefined || typeof stdin === 'string') return {command, stdin: `${password}${stdin ?? ''}`};
			const joined = new PassThrough();
			joined.write(password);
			stdin.on('error', error => joined.destroy(error));
			stdin.pipe(joined);
			return {command, stdin: joined};
		}
		return {command: `sudo -n ${inner}`, stdin};
	}
}

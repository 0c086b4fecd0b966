import {isatty} from 'node:tty';
import type {Connector} from '../engine/connect.js';

/** Flags every command may read; cli.tsx declares them and command-line.ts parses them. */
export type Flags = {
	answers?: string;
	cluster?: string;
	yes: boolean;
	dryRun: boolean;
	json: boolean;
	check: boolean;
	debug: boolean;
	name?: string;
	ip?: string;
	file?: string;
	topology: string;
	writeAnswers?: string;
	purge: boolean;
	/** rotate password: read the new password from standard input (one line) instead of generating one. */
	stdin?: boolean;
	/** restore: the answer file of a new cluster to restore into. */
	into?: string;
	/** remove-node: also remove the host's PostgreSQL and etcd data directories. */
	wipe?: boolean;
	/** remove-node: hand the leader role to a replica first when the host leads. */
	switchover?: boolean;
	/** restart: every member, replicas first (the default). */
	rolling?: boolean;
	/** restart: the one member to restart. */
	member?: string;
	/** switchover: the member to hand the leader role to. */
	to?: string;
	/** drill failover: how the leader is failed (crash, partition or graceful). */
	kind?: string;
	/** backup: the kind of backup (full, diff or incr); incr when a full backup exists, else full. */
	type?: string;
	/** install, repair, add-replica: install packages from this bundle file instead of a mirror. */
	bundle?: string;
	/** bundle create: the bundle file to write. */
	output?: string;
	/** bundle create: the roles to bundle packages for, comma-separated (all when absent). */
	roles?: string;
	/** bundle create: the Debian architecture of the hosts (amd64 when absent). */
	arch?: string;
	/** bundle create: the Debian archive to take bookworm and bookworm-updates from instead of this machine's; lab up: given (even empty), the hosts use a package cache. */
	mirror?: string;
	/** bundle create: the archive to take bookworm-security from instead of this machine's; "none" leaves it out. */
	security?: string;
	/** upgrade: the age in seconds of a transaction on the leader that refuses the upgrade. */
	maxTransactionAge?: string;
	/** uninstall: delete PostgreSQL's and etcd's data too. */
	wipeData?: boolean;
	/** uninstall: delete the pgBackRest repository (backups and WAL archive) too. */
	wipeBackups?: boolean;
	/** uninstall: the cluster's name, typed again, for a run without a terminal (with --yes). */
	confirm?: string;
};

/** Where a command writes; tests pass their own. */
export type Io = {
	out: (text: string) => void;
	err: (text: string) => void;
	/** True when pgha may prompt: a TTY on both ends and CI not set. */
	interactive: boolean;
	env: NodeJS.ProcessEnv;
	/** How the command reaches the hosts; SSH (with the answers' settings) when absent. */
	connect?: Connector;
	/** All of standard input; the process's own when absent. */
	readStdin?: () => Promise<string>;
	/**
	 * Rewrites the one status line at the bottom of a terminal in place (no
	 * newline; '' clears it). Absent when standard output is not a terminal.
	 */
	status?: (line: string) => void;
};

/** A command: arguments after its name, the flags, and where to write. Returns the exit code. */
export type Command = (args: string[], flags: Flags, io: Io) => Promise<number>;

/** The real terminal. */
export function processIo(): Io {
	const ci = process.env['CI'];
	return {
		out: text => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
		err: text => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
		// isatty(0), not process.stdin.isTTY: that opens standard input, which most commands never read.
		interactive: isatty(0) && Boolean(process.stdout.isTTY) && (!ci || ci === 'false' || ci === '0'),
		env: process.env,
		// Back to the line's start and erase it, then the new text.
		...(process.stdout.isTTY ? {status: (line: string) => void process.stdout.write(`\r\x1b[2K${line}`)} : {}),
	};
}

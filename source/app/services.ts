import type {RestoreRun} from '../restore/run.js';
import type {Answers, AnswersInput} from '../answers/schema.js';
import type {EngineEvent} from './events.js';

/** What checking one host over SSH found: reachable, credentials, OS and host key. */
export type HostCheck = {
	/** Reachable, logged in, and the OS is one pgha supports. */
	ok: boolean;
	reachable: boolean;
	authenticated: boolean;
	/** Human-readable OS, e.g. "Debian GNU/Linux 12 (bookworm)". */
	os?: string;
	supported?: boolean;
	/** SHA256 host key fingerprint, e.g. "SHA256:mNy...". */
	fingerprint?: string;
	/** Network interfaces with an IPv4 address, e.g. ["eth0"]. */
	interfaces?: string[];
	/** Why the check failed, in words a person can act on. */
	error?: string;
};

/** What inspecting a bundle file on this machine found: a one-line summary, or why it cannot be used. */
export type BundleInspection = {ok: true; summary: string} | {ok: false; message: string};

/**
 * What an install runs on: answers already validated, once, by whoever asked
 * for the install, and the input as given (${ENV} references kept) to save.
 */
export type InstallRequest = {answers: Answers; input: AnswersInput; restore?: RestoreRun; upgrade?: {order: readonly string[]}};

/** How an install run ended. */
export type InstallOutcome = {ok: boolean; logFile: string; answersFile: string};

/** The password generators the wizard needs; each kind matches an answer-file rule. */
export type PasswordKind = 'strong' | 'vrrp' | 'cipher';

/**
 * Everything the UI needs that does I/O. The Ink components only render state
 * and events; the command that starts the UI passes the real implementations
 * and tests pass fakes.
 */
export type WizardServices = {
	/** Private key files found in ~/.ssh, as paths to offer (e.g. "~/.ssh/id_ed25519"). */
	listSshKeys(): Promise<string[]>;
	/** Connects to one host with the SSH settings given; never throws (errors go in `error`). */
	checkHost(ip: string, ssh: AnswersInput['ssh']): Promise<HostCheck>;
	/** Looks at a bundle file on this machine (~ is the home); never throws (a failure is a message). */
	inspectBundle(path: string): Promise<BundleInspection>;
	/** A fresh random password of the kind asked for; synchronous so the wizard starts with them. */
	generatePassword(kind: PasswordKind): string;
	/** Names of the clusters saved by earlier runs. */
	savedClusters(): Promise<string[]>;
	/** Saves the input, installs with the validated answers, and reports every engine event; stops when the signal aborts. */
	install(request: InstallRequest, onEvent: (event: EngineEvent) => void, signal: AbortSignal): Promise<InstallOutcome>;
	/** A host's full log of the current run, one entry per line. */
	readLog(host: string): Promise<string[]>;
};

import type {Answers, HostAnswers} from '../answers/schema.js';
import type {HostConnection, RunOptions, RunResult} from '../transport/ssh.js';
import type {PhaseName} from './events.js';
import type {RemoteShell} from './remote-shell.js';

/** What preflight learned about one host. */
export type HostFacts = {os: string; version: string; arch: string; interface: string; diskFreeMb: number};

/** Shared by every step of a run: the answers, each host's facts, and values steps hand on to later ones. */
export type RunContext = {
	answers: Answers;
	facts: Map<string, HostFacts>;
	connections: Map<string, HostConnection>;
	/** Values one step leaves for later ones (e.g. public keys gathered for SSH trust). */
	shared: Map<string, unknown>;
	signal: AbortSignal;
};

/** What a step sees: its host, a way to run commands there, and the run. */
export type StepContext = RunContext & {
	host: HostAnswers;
	conn: HostConnection;
	/** Runs a script as root on this host, streaming its lines to the run's events and log. */
	run(script: string, options?: RunOptions & {quiet?: boolean}): Promise<RunResult>;
	/** zx-style `$` on this host: values interpolated into the command are quoted by zx. */
	$: RemoteShell;
	/** Records that a unit must be restarted or reloaded after this phase's files changed. */
	touch(service: string, how: 'reload' | 'restart'): void;
	/** Units touched so far on this host in this run. */
	touched: Map<string, 'reload' | 'restart'>;
};

/**
 * One idempotent unit of work. `check` says whether the host already matches;
 * `apply` makes it match. Install and repair run the same steps.
 */
export type Step = {
	name: string;
	/** True when nothing needs doing. Without a check, apply always runs. */
	check?: (ctx: StepContext) => Promise<boolean>;
	apply: (ctx: StepContext) => Promise<void>;
	/** What differs, for a drift report (e.g. a file diff); called only when check said no. */
	explain?: (ctx: StepContext) => Promise<string[]>;
};

/** A named phase: which hosts it touches and the steps each one runs. */
export type Phase = {
	name: PhaseName;
	summary: string;
	hosts: string[];
	steps: (host: HostAnswers, run: RunContext) => Step[];
	/** Run hosts one after another instead of in parallel. */
	serial?: boolean;
};

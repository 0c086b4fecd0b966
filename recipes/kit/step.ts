import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {HostConnection, RunOptions, RunResult} from '../../source/transport/ssh.js';
import type {RemoteShell} from './remote-shell.js';
import type {ClusterKeys} from '../../source/keys/cluster-keys.js';
import type {OpenedBundle} from '../../source/bundle/archive.js';

/** What preflight learned about one host. */
export type HostFacts = {os: string; version: string; arch: string; interface: string; diskFreeMb: number};

/** The postgres user's public key and the host's own key, gathered for the SSH trust between the repository and the nodes. */
export type SshIdentity = {userKey: string; hostKey: string};

/** Shared by every step of a run: the answers, what earlier steps learned about each host, and the connections. */
export type RunContext = {
	answers: Answers;
	/** The cluster's CA, host certificates and salts, prepared before the run. */
	keys: ClusterKeys;
	facts: Map<string, HostFacts>;
	/** SSH identities by host name, gathered in the packages phase and used in the backup phase. */
	identities: Map<string, SshIdentity>;
	connections: Map<string, HostConnection>;
	signal: AbortSignal;
	/** The package bundle opened and checked on this machine, when the answers install from one. */
	bundle?: OpenedBundle;
	/** What this run's own steps proved, for verify to lean on: 'archiving' once a full backup waited for its WAL to reach the repository. */
	proven?: Set<'archiving'>;
};

/** How a step runs a command: as root on its host, streaming lines to the run's events unless quiet. */
export type HostRun = (script: string, options?: RunOptions & {quiet?: boolean}) => Promise<RunResult>;

/** What a step sees: its host, a way to run commands there, and the run. */
export type StepContext = RunContext & {
	host: HostAnswers;
	conn: HostConnection;
	/** Runs a script as root on this host, streaming its lines to the run's events and log. */
	run: HostRun;
	/** zx-style `$` on this host: values interpolated into the command are quoted by zx. */
	$: RemoteShell;
	/** Records that a unit must be restarted or reloaded because its files changed (kit/pending-change.ts also keeps it on the host). */
	touch(service: string, how: 'reload' | 'restart'): void;
	/** Units touched so far on this host in this run, across its phases. */
	touched: Map<string, 'reload' | 'restart'>;
};

/**
 * One idempotent unit of work. `check` says whether the host already matches;
 * `apply` makes it match. Install, repair and every day-two command run the same steps.
 */
export type Step = {
	name: string;
	/** True when nothing needs doing. Without a check, apply always runs. */
	check?: (ctx: StepContext) => Promise<boolean>;
	apply: (ctx: StepContext) => Promise<void>;
	/** What differs, for a drift report (e.g. a file diff); called only when check said no. */
	explain?: (ctx: StepContext) => Promise<string[]>;
};

/** A step that only looks: its check learns or refuses, and there is nothing to apply. */
export function probeStep(name: string, check: (ctx: StepContext) => Promise<boolean>): Step {
	return {name, check, apply: async () => {}};
}

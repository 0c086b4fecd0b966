import type {DurabilityMode, NoReplicaMode, PackageSource, Role, RtoPreset, SecretKey} from '../answers/schema.js';
import type {BundleInspection, HostCheck} from '../app/services.js';
import type {BackupPresetId, LayoutId} from './presets.js';

// The shape of the wizard apart from how it changes: the reducer, the answers
// built from it and the step checks all read it, and none of them imports another to do so.

/** The wizard's steps, in order. */
export const stepIds = ['cluster', 'ssh', 'hosts', 'network', 'packages', 'passwords', 'backup', 'failover', 'review'] as const;
/** One step of the wizard. */
export type StepId = (typeof stepIds)[number];

/** Step titles for the header. */
export const stepTitles: Record<StepId, string> = {
	cluster: 'Cluster',
	ssh: 'SSH access',
	hosts: 'Hosts',
	network: 'Network',
	packages: 'Packages',
	passwords: 'Passwords',
	backup: 'Backups',
	failover: 'Failover',
	review: 'Review',
};

/** One host row as typed; `id` stays fixed while rows are added and removed. */
export type HostRow = {id: number; name: string; ip: string; roles: Role[]};

/** A host check in flight or done, for the address and SSH settings it was run with. */
export type HostCheckState = {ip: string; ssh: string; status: 'checking'} | {ip: string; ssh: string; status: 'done'; result: HostCheck};

/** A bundle inspection in flight or done, for the path (as typed, trimmed) it was run with. */
export type BundleCheckState = {path: string; status: 'checking'} | {path: string; status: 'done'; result: BundleInspection};

/** How pgha logs in to the hosts. */
export type SshMethod = 'key' | 'agent' | 'password';
/** Whether the secrets are generated or typed. */
export type PasswordMode = 'generate' | 'type';

/** A typed secret and its confirmation. */
export type TypedSecret = {value: string; confirm: string};

/** Everything typed so far. Numbers stay text until the answers are built, so a half-typed value is kept as typed. */
export type WizardState = {
	step: StepId;
	cluster: {name: string; layout: LayoutId};
	ssh: {user: string; port: string; method: SshMethod; identityFile: string; password: string; sudoPassword: string};
	/** Key files found in ~/.ssh, offered on the SSH step. */
	sshKeys: string[];
	hosts: HostRow[];
	nextHostId: number;
	/** Addresses typed per host name, so switching layouts back and forth loses nothing. */
	ipMemory: Record<string, string>;
	checks: Record<number, HostCheckState>;
	/** Fingerprints the person accepted, by host id. */
	accepted: Record<number, string>;
	network: {vip: string; prefix: string; vrrpRouterId: string; interface: string};
	/** Where the hosts get their packages; the bundle path is kept as typed, so switching to the mirror and back loses nothing. */
	packages: {source: PackageSource; bundle: string};
	/** The latest inspection of a bundle path; it answers only for the path it names. */
	bundleCheck?: BundleCheckState;
	passwords: {mode: PasswordMode; generated: Record<SecretKey, string>; typed: Record<SecretKey, TypedSecret>};
	backup: {preset: BackupPresetId; full: string; differential: string; retentionFull: string};
	/** Durability and failover speed; what happens without a replica is kept while asynchronous, for a switch back. */
	ha: {durability: DurabilityMode; writesWithoutReplica: NoReplicaMode; rto: RtoPreset};
	/** Fields the person has left at least once: their problems show from then on. */
	touched: string[];
	/** Steps where Next was refused: every problem of the step shows. */
	attempted: StepId[];
};

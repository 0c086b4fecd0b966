import {secretKeys, type Role, type SecretKey} from '../answers/schema.js';
import type {BundleInspection, HostCheck, PasswordKind} from '../app/services.js';
import {backupPresets, layouts, roleHostPrefix, type BackupPresetId, type LayoutId} from './presets.js';
import {stepProblems} from './step-problems.js';
import {bundlePath} from './bundle-check.js';
import {currentCheck} from './host-checks.js';
import {stepIds, type HostRow, type PasswordMode, type TypedSecret, type WizardState} from './wizard-model.js';

/** Which generator makes each secret. */
export const secretKinds: Record<SecretKey, PasswordKind> = {
	superuser: 'strong',
	replication: 'strong',
	app: 'strong',
	patroniApi: 'strong',
	vrrp: 'vrrp',
	backupCipher: 'cipher',
	haproxyStats: 'strong',
};

/** A fresh wizard on the cluster step with the seed layout; `generate` fills the generated passwords. */
export function createWizardState(generate: (kind: PasswordKind) => string): WizardState {
	const generated = Object.fromEntries(secretKeys.map(key => [key, generate(secretKinds[key])])) as Record<SecretKey, string>;
	const typed = Object.fromEntries(secretKeys.map(key => [key, {value: '', confirm: ''}])) as Record<SecretKey, TypedSecret>;
	const seed = layouts[0]!;
	return {
		step: 'cluster',
		cluster: {name: '', layout: seed.id},
		ssh: {user: 'root', port: '22', method: 'key', identityFile: '', password: '', sudoPassword: ''},
		sshKeys: [],
		hosts: seed.hosts.map((host, id) => ({id, name: host.name, ip: '', roles: [...host.roles]})),
		nextHostId: seed.hosts.length,
		ipMemory: {},
		checks: {},
		accepted: {},
		network: {vip: '', prefix: '24', vrrpRouterId: '51', interface: ''},
		// The answer file's default: the hosts install from the Debian archives they reach.
		packages: {source: 'mirror', bundle: ''},
		passwords: {mode: 'generate', generated, typed},
		backup: {preset: 'weekly', full: backupPresets[0]!.full, differential: backupPresets[0]!.differential, retentionFull: '3'},
		// The answer file's defaults: asynchronous commits, normal failover speed; wait when synchronous.
		ha: {durability: 'async', writesWithoutReplica: 'wait', rto: 'normal'},
		touched: [],
		attempted: [],
	};
}

/** Everything that changes the wizard; each is applied by `reduceWizard`. */
export type WizardAction =
	| {type: 'set-cluster'; field: 'name'; value: string}
	| {type: 'set-layout'; layout: LayoutId}
	| {type: 'set-ssh'; field: keyof WizardState['ssh']; value: string}
	| {type: 'keys-found'; keys: string[]}
	| {type: 'set-host'; id: number; field: 'name' | 'ip'; value: string}
	| {type: 'toggle-role'; id: number; role: Role}
	| {type: 'add-host'; role: Role}
	| {type: 'remove-host'; id: number}
	| {type: 'check-started'; id: number; ip: string; ssh: string}
	| {type: 'check-finished'; id: number; ip: string; ssh: string; result: HostCheck}
	| {type: 'accept-key'; id: number; accept: boolean}
	| {type: 'accept-all-keys'}
	| {type: 'set-network'; field: keyof WizardState['network']; value: string}
	| {type: 'set-packages'; packages: Partial<WizardState['packages']>}
	| {type: 'bundle-check-started'; path: string}
	| {type: 'bundle-check-finished'; path: string; result: BundleInspection}
	| {type: 'set-password-mode'; mode: PasswordMode}
	| {type: 'set-secret'; key: SecretKey; field: keyof TypedSecret; value: string}
	| {type: 'set-backup-preset'; preset: BackupPresetId}
	| {type: 'set-backup'; field: 'full' | 'differential' | 'retentionFull'; value: string}
	| {type: 'set-ha'; ha: Partial<WizardState['ha']>}
	| {type: 'touch'; field: string}
	| {type: 'next'}
	| {type: 'back'};

/** The wizard's pure transition: state and action in, new state out. */
export function reduceWizard(state: WizardState, action: WizardAction): WizardState {
	switch (action.type) {
		case 'set-cluster':
			return {...state, cluster: {...state.cluster, [action.field]: action.value}};
		case 'set-layout':
			return setLayout(state, action.layout);
		case 'set-ssh':
			return {...state, ssh: {...state.ssh, [action.field]: action.value}};
		case 'keys-found': {
			// The first key found is the likely one; a path already typed wins.
			const identityFile = state.ssh.identityFile || action.keys[0] || '';
			return {...state, sshKeys: action.keys, ssh: {...state.ssh, identityFile}};
		}
		case 'set-host': {
			const hosts = state.hosts.map(host => (host.id === action.id ? {...host, [action.field]: action.value.trim()} : host));
			return {...state, hosts, ipMemory: rememberIps(state.ipMemory, hosts)};
		}
		case 'toggle-role':
			return {
				...state,
				hosts: state.hosts.map(host =>
					host.id === action.id
						? {...host, roles: host.roles.includes(action.role) ? host.roles.filter(r => r !== action.role) : [...host.roles, action.role]}
						: host,
				),
			};
		case 'add-host': {
			const name = freeName(state.hosts, roleHostPrefix[action.role], action.role === 'backup');
			const host: HostRow = {id: state.nextHostId, name, ip: state.ipMemory[name] ?? '', roles: [action.role]};
			return {...state, hosts: [...state.hosts, host], nextHostId: state.nextHostId + 1};
		}
		case 'remove-host': {
			const {[action.id]: _check, ...checks} = state.checks;
			const {[action.id]: _key, ...accepted} = state.accepted;
			return {...state, hosts: state.hosts.filter(host => host.id !== action.id), checks, accepted};
		}
		case 'check-started':
			return {...state, checks: {...state.checks, [action.id]: {ip: action.ip, ssh: action.ssh, status: 'checking'}}};
		case 'check-finished': {
			// A result for an address or SSH settings since changed answers nothing.
			const current = state.checks[action.id];
			const host = state.hosts.find(h => h.id === action.id);
			if (!current || !host || current.ip !== action.ip || host.ip !== action.ip || current.ssh !== action.ssh) return state;
			return {...state, checks: {...state.checks, [action.id]: {ip: action.ip, ssh: action.ssh, status: 'done', result: action.result}}};
		}
		case 'accept-key': {
			const fingerprint = currentCheck(state, action.id)?.fingerprint;
			if (!action.accept || !fingerprint) {
				const {[action.id]: _dropped, ...accepted} = state.accepted;
				return {...state, accepted};
			}
			return {...state, accepted: {...state.accepted, [action.id]: fingerprint}};
		}
		case 'accept-all-keys': {
			const accepted = {...state.accepted};
			for (const host of state.hosts) {
				const fingerprint = currentCheck(state, host.id)?.fingerprint;
				if (fingerprint) accepted[host.id] = fingerprint;
			}
			return {...state, accepted};
		}
		case 'set-network':
			return {...state, network: {...state.network, [action.field]: action.value.trim()}};
		case 'set-packages':
			return {...state, packages: {...state.packages, ...action.packages}};
		case 'bundle-check-started':
			return {...state, bundleCheck: {path: action.path, status: 'checking'}};
		case 'bundle-check-finished':
			// A result for a path since changed, or overtaken by a newer check, answers nothing.
			if (state.bundleCheck?.path !== action.path || bundlePath(state) !== action.path) return state;
			return {...state, bundleCheck: {path: action.path, status: 'done', result: action.result}};
		case 'set-password-mode':
			return {...state, passwords: {...state.passwords, mode: action.mode}};
		case 'set-secret': {
			const typed = {...state.passwords.typed, [action.key]: {...state.passwords.typed[action.key], [action.field]: action.value}};
			return {...state, passwords: {...state.passwords, typed}};
		}
		case 'set-backup-preset': {
			const preset = backupPresets.find(p => p.id === action.preset)!;
			// Custom starts from what the previous preset said, so it is an edit, not a blank.
			if (preset.id === 'custom') return {...state, backup: {...state.backup, preset: 'custom'}};
			return {...state, backup: {...state.backup, preset: preset.id, full: preset.full, differential: preset.differential}};
		}
		case 'set-backup':
			return {...state, backup: {...state.backup, [action.field]: action.value}};
		case 'set-ha':
			return {...state, ha: {...state.ha, ...action.ha}};
		case 'touch':
			return state.touched.includes(action.field) ? state : {...state, touched: [...state.touched, action.field]};
		case 'next': {
			if (stepProblems(state, state.step).length > 0)
				return state.attempted.includes(state.step) ? state : {...state, attempted: [...state.attempted, state.step]};
			const index = stepIds.indexOf(state.step);
			return index < stepIds.length - 1 ? {...state, step: stepIds[index + 1]!} : state;
		}
		case 'back': {
			const index = stepIds.indexOf(state.step);
			return index > 0 ? {...state, step: stepIds[index - 1]!} : state;
		}
	}
}

function setLayout(state: WizardState, layout: LayoutId): WizardState {
	if (layout === state.cluster.layout) return state;
	const preset = layouts.find(l => l.id === layout)!;
	const ipMemory = rememberIps(state.ipMemory, state.hosts);
	let nextHostId = state.nextHostId;
	const hosts = preset.hosts.map(host => ({id: nextHostId++, name: host.name, ip: ipMemory[host.name] ?? '', roles: [...host.roles]}));
	return {...state, cluster: {...state.cluster, layout}, hosts, nextHostId, ipMemory, checks: {}, accepted: {}};
}

function rememberIps(memory: Record<string, string>, hosts: HostRow[]): Record<string, string> {
	const next = {...memory};
	for (const host of hosts) if (host.ip) next[host.name] = host.ip;
	return next;
}

function freeName(hosts: HostRow[], prefix: string, bareFirst: boolean): string {
	const used = new Set(hosts.map(h => h.name.toLowerCase()));
	if (bareFirst && !used.has(prefix.toLowerCase())) return prefix;
	for (let n = bareFirst ? 2 : 1; ; n++) if (!used.has(`${prefix}${n}`.toLowerCase())) return `${prefix}${n}`;
}

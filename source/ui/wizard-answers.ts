import {answersSchema, secretKeys, type AnswersInput, type SecretKey} from '../answers/schema.js';
import {absolutePath} from '../paths.js';
import {bundlePath} from './bundle-check.js';
import {acceptedKey} from './host-checks.js';
import {stepIds, type StepId, type WizardState} from './wizard-model.js';

/** The SSH section as the answer file will hold it (host keys are added by the hosts step). */
export function sshAnswers(ssh: WizardState['ssh']): NonNullable<AnswersInput['ssh']> {
	return {
		user: ssh.user,
		port: numberOrText(ssh.port) as number,
		...(ssh.method === 'key' && ssh.identityFile ? {identityFile: ssh.identityFile} : {}),
		agent: ssh.method === 'agent',
		...(ssh.method === 'password' && ssh.password ? {password: ssh.password} : {}),
		...(ssh.user !== 'root' && ssh.sudoPassword ? {sudoPassword: ssh.sudoPassword} : {}),
	};
}

/** The secret that will be used for a key: the typed one, or the generated one when none was typed. */
export function effectiveSecret(state: WizardState, key: SecretKey): string {
	const typed = state.passwords.typed[key].value;
	return state.passwords.mode === 'type' && typed !== '' ? typed : state.passwords.generated[key];
}

/**
 * The answers the wizard has so far, in answer-file form. With `placeholdersAfter`,
 * the sections of later steps are replaced by valid stand-ins, so the cross-field
 * rules (which run only on a schema-valid whole) can judge the steps done so far.
 */
export function toAnswersInput(state: WizardState, options: {placeholdersAfter?: StepId} = {}): AnswersInput {
	const limit = options.placeholdersAfter ? stepIds.indexOf(options.placeholdersAfter) : stepIds.length;
	const real = (step: StepId) => stepIds.indexOf(step) <= limit;
	const hostKeys = Object.fromEntries(
		state.hosts.flatMap(host => {
			const key = acceptedKey(state, host.id);
			return key ? [[host.name, key]] : [];
		}),
	);
	return {
		version: 1,
		cluster: {name: state.cluster.name, postgresVersion: 15},
		ssh: real('ssh')
			? {...sshAnswers(state.ssh), ...(real('hosts') && Object.keys(hostKeys).length > 0 ? {hostKeys} : {})}
			: {user: 'root', port: 22, agent: true},
		hosts: real('hosts') ? state.hosts.map(host => ({name: host.name, ip: host.ip, roles: [...host.roles]})) : placeholderHosts,
		network: real('network')
			? {
					vip: state.network.vip,
					prefix: numberOrText(state.network.prefix) as number,
					vrrpRouterId: numberOrText(state.network.vrrpRouterId) as number,
					...(state.network.interface ? {interface: state.network.interface} : {}),
				}
			: {vip: '10.255.255.254', prefix: 24},
		// The mirror is the answer file's default, so it is left out as the other defaults are.
		...(real('packages') && state.packages.source === 'bundle' ? {packages: packagesAnswers(state)} : {}),
		passwords: real('passwords')
			? (Object.fromEntries(secretKeys.map(key => [key, effectiveSecret(state, key)])) as AnswersInput['passwords'])
			: placeholderPasswords,
		backup: real('backup')
			? {
					full: state.backup.full,
					...(state.backup.differential ? {differential: state.backup.differential} : {}),
					retentionFull: numberOrText(state.backup.retentionFull) as number,
				}
			: {},
		...(real('failover') ? {ha: haAnswers(state.ha)} : {}),
	};
}

/**
 * The packages section for a bundle: the file as an absolute path, so the
 * saved answers name the same file from any directory.
 */
export function packagesAnswers(state: WizardState): NonNullable<AnswersInput['packages']> {
	const path = bundlePath(state);
	return {source: 'bundle', ...(path ? {bundle: absolutePath(path)} : {})};
}

/** The ha section as the answer file will hold it: what happens without a replica only with synchronous commits. */
export function haAnswers(ha: WizardState['ha']): NonNullable<AnswersInput['ha']> {
	return ha.durability === 'synchronous' ? {durability: 'synchronous', writesWithoutReplica: ha.writesWithoutReplica, rto: ha.rto} : {durability: 'async', rto: ha.rto};
}

// A half-typed number stays text so the schema says what is wrong with it; empty means the default.
function numberOrText(text: string): number | string | undefined {
	const trimmed = text.trim();
	if (trimmed === '') return undefined;
	return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

const placeholderHosts: AnswersInput['hosts'] = [
	{name: 'placeholder1', ip: '10.255.0.1', roles: ['postgres', 'etcd', 'balancer']},
	{name: 'placeholder2', ip: '10.255.0.2', roles: ['postgres', 'etcd', 'balancer']},
	{name: 'placeholder3', ip: '10.255.0.3', roles: ['postgres', 'etcd', 'backup']},
];

const placeholderPasswords: AnswersInput['passwords'] = {
	superuser: 'Placeholder-Passw0rd',
	replication: 'Placeholder-Passw0rd',
	app: 'Placeholder-Passw0rd',
	patroniApi: 'Placeholder-Passw0rd',
	vrrp: 'placehol',
	backupCipher: 'Placeholder-Passw0rd-Cipher',
	haproxyStats: 'Placeholder-Passw0rd',
};

/** The backup schedule the answer file will actually give, schema defaults included; undefined while invalid. */
export function effectiveBackup(state: WizardState): {full: string; differential?: string; retentionFull: number} | undefined {
	const parsed = answersSchema.shape.backup.safeParse(toAnswersInput(state).backup);
	return parsed.success ? parsed.data : undefined;
}

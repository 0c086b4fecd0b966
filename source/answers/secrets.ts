import type {AnswersInput} from './schema.js';
import {hasEnvReference} from './env.js';

/** Every secret an answer file can hold, with the variable that stands for it when it is kept apart. */
export const secretFields = [
	{path: ['passwords', 'superuser'], variable: 'PGHA_SUPERUSER_PASSWORD'},
	{path: ['passwords', 'replication'], variable: 'PGHA_REPLICATION_PASSWORD'},
	{path: ['passwords', 'app'], variable: 'PGHA_APP_PASSWORD'},
	{path: ['passwords', 'patroniApi'], variable: 'PGHA_PATRONI_API_PASSWORD'},
	{path: ['passwords', 'vrrp'], variable: 'PGHA_VRRP_PASSWORD'},
	{path: ['passwords', 'backupCipher'], variable: 'PGHA_BACKUP_CIPHER'},
	{path: ['passwords', 'haproxyStats'], variable: 'PGHA_HAPROXY_STATS_PASSWORD'},
	{path: ['ssh', 'password'], variable: 'PGHA_SSH_PASSWORD'},
	{path: ['ssh', 'sudoPassword'], variable: 'PGHA_SUDO_PASSWORD'},
] as const;

type Bag = Record<string, unknown>;

/**
 * Splits answers into a shareable part, where each literal secret is replaced by
 * a ${VARIABLE} reference, and the literal secrets keyed by those variables.
 * Secrets that were already ${ENV} references stay references.
 */
export function separateSecrets(raw: AnswersInput): {shareable: AnswersInput; secrets: Record<string, string>} {
	const shareable = structuredClone(raw) as unknown as Bag;
	const secrets: Record<string, string> = {};
	for (const {path, variable} of secretFields) {
		const parent = shareable[path[0]] as Bag | undefined;
		const value = parent?.[path[1]];
		if (typeof value !== 'string' || hasEnvReference(value)) continue;
		secrets[variable] = value;
		parent![path[1]] = `\${${variable}}`;
	}
	return {shareable: shareable as unknown as AnswersInput, secrets};
}

// No length floor: the schema refuses secrets under 4 characters, so every one it allows is hidden.
/** Every secret value in resolved answers, for redaction. */
export function secretValues(answers: {passwords: Record<string, string | undefined>; ssh?: {password?: string; sudoPassword?: string}}): string[] {
	const values = [...Object.values(answers.passwords), answers.ssh?.password, answers.ssh?.sudoPassword];
	return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

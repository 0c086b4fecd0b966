import {chmod, open} from 'node:fs/promises';
import YAML from 'yaml';
import {validateAnswers} from '../answers/load.js';
import {formatProblems} from '../answers/problem.js';
import type {AnswersInput, Role} from '../answers/schema.js';
import type {GeneratedPasswords} from '../answers/passwords.js';
import {labClusterName, labNetwork, type TopologyName} from './topology.js';

/** An answer file for a cluster on the lab's hosts, as `pgha install --answers` takes it. */
export function labAnswers(
	topology: TopologyName,
	hosts: ReadonlyArray<{name: string; ip: string; roles: readonly Role[]}>,
	keyFile: string,
	passwords: GeneratedPasswords,
	packages?: AnswersInput['packages'],
): AnswersInput {
	return {
		version: 1,
		cluster: {name: labClusterName(topology), postgresVersion: 15},
		ssh: {user: 'root', port: 22, identityFile: keyFile},
		// Hosts added with `lab add` have no role until an install gives them one.
		hosts: hosts.filter(host => host.roles.length > 0).map(host => ({name: host.name, ip: host.ip, roles: [...host.roles]})),
		network: {vip: labNetwork.vip, prefix: labNetwork.prefix, vrrpRouterId: labNetwork.vrrpRouterId, interface: 'eth0'},
		passwords: {...passwords},
		...(packages ? {packages} : {}),
	};
}

/** The answer file's text. */
export function labAnswersYaml(answers: AnswersInput): string {
	const header = [
		'# pgha answer file for the lab (pgha lab up --write-answers).',
		'# The passwords are in clear: this file is readable by its owner only.',
		'',
	].join('\n');
	return `${header}${YAML.stringify(answers, {lineWidth: 0})}`;
}

/**
 * Validates the lab's answers exactly as `pgha validate` would, then writes
 * them with mode 0600 (set before any secret is written, and again should
 * the file already exist with a wider mode).
 */
export async function writeLabAnswers(file: string, answers: AnswersInput): Promise<void> {
	const result = validateAnswers(answers, {});
	if (!result.ok) throw new Error(`the lab's answers do not validate:\n${formatProblems(result.problems)}`);
	const handle = await open(file, 'w', 0o600);
	try {
		await handle.chmod(0o600);
		await handle.writeFile(labAnswersYaml(answers));
	} finally {
		await handle.close();
	}
	await chmod(file, 0o600);
}

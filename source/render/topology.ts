import type {Answers, HostAnswers, Role} from '../answers/schema.js';

/** The hosts carrying a role, in answer-file order (which decides leader and MASTER). */
export function hostsWithRole(answers: Pick<Answers, 'hosts'>, role: Role): HostAnswers[] {
	return answers.hosts.filter(host => host.roles.includes(role));
}

/** The host named `name`; an unknown name is a programming error, not a user one. */
export function findHost(answers: Answers, name: string): HostAnswers {
	const host = answers.hosts.find(h => h.name === name);
	if (!host) throw new Error(`no host named "${name}" in the answers`);
	return host;
}

/** The pgBackRest repository host, if the answers have one. */
export function backupHost(answers: Answers): HostAnswers | undefined {
	return hostsWithRole(answers, 'backup')[0];
}

import type {Answers, HostAnswers, Role} from './schema.js';

/** Anything with a list of hosts that carry roles: validated answers, the wizard's draft, a lab layout. */
type WithHosts<H> = {readonly hosts: readonly H[]};

/**
 * The hosts carrying a role, in answer-file order (which decides the first
 * leader and the MASTER balancer). The one role filter pgha uses everywhere.
 */
export function hostsWithRole<H extends {readonly roles: readonly string[]}>(answers: WithHosts<H>, role: Role): H[] {
	return answers.hosts.filter(host => host.roles.includes(role));
}

/** True when a host carries the role. */
export function hasRole(host: {readonly roles: readonly string[]}, role: Role): boolean {
	return host.roles.includes(role);
}

/** The names of hosts, in order. */
export function hostNames(hosts: readonly {name: string}[]): string[] {
	return hosts.map(h => h.name);
}

/** The host named `name`; an unknown name is a programming error, not a user one. */
export function findHost(answers: Pick<Answers, 'hosts'>, name: string): HostAnswers {
	const host = answers.hosts.find(h => h.name === name);
	if (!host) throw new Error(`no host named "${name}" in the answers`);
	return host;
}

/** The pgBackRest repository host, if the answers have one. */
export function backupHost(answers: Pick<Answers, 'hosts'>): HostAnswers | undefined {
	return hostsWithRole(answers, 'backup')[0];
}

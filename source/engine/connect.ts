import type {Answers, HostAnswers} from '../answers/schema.js';
import {HostConnection} from '../transport/ssh.js';
import {UserError} from '../errors.js';

/**
 * How pgha reaches one host: SSH with the answers' settings, checking the
 * recorded host key when there is one. Commands take another connector
 * through their Io (an in-memory host, for instance).
 */
export type Connector = (host: HostAnswers, ssh: Answers['ssh'], expectedFingerprint?: string) => Promise<HostConnection>;

/** The SSH connector every command uses unless given another. */
export const sshConnector: Connector = (host, ssh, expected) => HostConnection.open(host, ssh, expected);

/** Opens one connection per host, all at once; hosts that cannot be reached are listed with why. */
export async function connectSome(
	answers: Answers,
	hosts = answers.hosts,
	connect: Connector = sshConnector,
): Promise<{connections: Map<string, HostConnection>; unreachable: Map<string, string>}> {
	const results = await Promise.allSettled(hosts.map(h => connect(h, answers.ssh, answers.ssh.hostKeys?.[h.name])));
	const connections = new Map<string, HostConnection>();
	const unreachable = new Map<string, string>();
	results.forEach((result, i) => {
		if (result.status === 'fulfilled') connections.set(hosts[i]!.name, result.value);
		else unreachable.set(hosts[i]!.name, result.reason instanceof Error ? result.reason.message : String(result.reason));
	});
	return {connections, unreachable};
}

/**
 * Connects to every host. Any host that cannot be reached or logged into
 * stops the run before anything changes, naming every such host.
 */
export async function connectAll(answers: Answers, hosts = answers.hosts, connect: Connector = sshConnector): Promise<Map<string, HostConnection>> {
	const {connections, unreachable} = await connectSome(answers, hosts, connect);
	if (unreachable.size > 0) {
		for (const conn of connections.values()) conn.close();
		throw new UserError(`cannot connect, nothing was changed:\n  ${[...unreachable.values()].join('\n  ')}`);
	}
	return connections;
}

/** Host key fingerprints seen, by host name, to record on first connection. */
export function fingerprints(connections: Map<string, HostConnection>): Record<string, string> {
	return Object.fromEntries([...connections].map(([name, conn]) => [name, conn.fingerprint]));
}

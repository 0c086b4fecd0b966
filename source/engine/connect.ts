import type {Answers} from '../answers/schema.js';
import {HostConnection} from '../transport/ssh.js';
import {UserError} from '../errors.js';

/**
 * Opens one connection per host, all at once. Any host that cannot be reached
 * or logged into stops the run before anything changes, naming every such host.
 */
export async function connectAll(answers: Answers, hosts = answers.hosts): Promise<Map<string, HostConnection>> {
	const results = await Promise.allSettled(hosts.map(h => HostConnection.open(h, answers.ssh, answers.ssh.hostKeys?.[h.name])));
	const connections = new Map<string, HostConnection>();
	const errors: string[] = [];
	results.forEach((result, i) => {
		if (result.status === 'fulfilled') connections.set(hosts[i]!.name, result.value);
		else errors.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
	});
	if (errors.length > 0) {
		for (const conn of connections.values()) conn.close();
		throw new UserError(`cannot connect, nothing was changed:\n  ${errors.join('\n  ')}`);
	}
	return connections;
}

/** Host key fingerprints seen, by host name, to record on first connection. */
export function fingerprints(connections: Map<string, HostConnection>): Record<string, string> {
	return Object.fromEntries([...connections].map(([name, conn]) => [name, conn.fingerprint]));
}

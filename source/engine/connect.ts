import type {Answers, HostAnswers} from '../answers/schema.js';
import {savedHostKeys} from '../answers/store.js';
import {HostConnection} from '../transport/ssh.js';
import {UsageError, UserError} from '../errors.js';

/**
 * How pgha reaches one host: SSH with the answers' settings, checking the
 * recorded host key when there is one. Commands take another connector
 * through their Io (an in-memory host, for instance).
 */
export type Connector = (host: HostAnswers, ssh: Answers['ssh'], expectedFingerprint?: string) => Promise<HostConnection>;

/** The SSH connector every command uses unless given another. */
export const sshConnector: Connector = (host, ssh, expected) => HostConnection.open(host, ssh, expected);

/**
 * The host key each host must present: the answers' own ssh.hostKeys, and for
 * the hosts they leave out, the keys the saved cluster of the same name
 * recorded. An answer file can therefore not lift a recorded key by leaving it
 * out, and one that pins a different key is refused (exit 2): pgha never
 * replaces a recorded key by itself; the person does, with `pgha trust-host`.
 */
export function expectedHostKeys(answers: Answers, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
	const saved = savedHostKeys(answers.cluster.name, env);
	const pinned = answers.ssh.hostKeys ?? {};
	const name = answers.cluster.name;
	const conflicts = Object.entries(pinned)
		.filter(([host, key]) => saved[host] !== undefined && saved[host] !== key)
		.map(
			([host, key]) =>
				`ssh.hostKeys.${host} is ${key} in these answers, but the saved cluster "${name}" recorded ${saved[host]!} for ${host}; ` +
				`pgha never replaces a recorded host key by itself. If ${host} was reinstalled or replaced, run \`pgha trust-host ${host} --cluster ${name}\`: ` +
				`it shows the key ${host} presents, for you to compare with its console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), ` +
				`and records it in the saved cluster once you accept; the answer file's ssh.hostKeys.${host} must then be that key too, or be left out`,
		);
	if (conflicts.length > 0) throw new UsageError(`nothing was changed:\n  ${conflicts.join('\n  ')}`);
	return {...saved, ...pinned};
}

/**
 * Opens one connection per host, all at once; hosts that cannot be reached are listed with why.
 * Each host must present its expected key (expectedHostKeys); one without any is recorded later.
 */
export async function connectSome(
	answers: Answers,
	hosts = answers.hosts,
	connect: Connector = sshConnector,
	env: NodeJS.ProcessEnv = process.env,
): Promise<{connections: Map<string, HostConnection>; unreachable: Map<string, string>}> {
	const keys = expectedHostKeys(answers, env);
	const results = await Promise.allSettled(hosts.map(h => connect(h, answers.ssh, keys[h.name])));
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
export async function connectAll(
	answers: Answers,
	hosts = answers.hosts,
	connect: Connector = sshConnector,
	env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, HostConnection>> {
	const {connections, unreachable} = await connectSome(answers, hosts, connect, env);
	if (unreachable.size > 0) {
		for (const conn of connections.values()) conn.close();
		throw new UserError(`cannot connect, nothing was changed:\n  ${[...unreachable.values()].join('\n  ')}`);
	}
	return connections;
}

/**
 * The keys to record after a run: every expected key as it was, plus the key
 * seen on each host that had none. A recorded key is never replaced.
 */
export function keysToRecord(expected: Record<string, string>, connections: Map<string, HostConnection>): Record<string, string> {
	const fresh = [...connections].filter(([name]) => expected[name] === undefined).map(([name, conn]) => [name, conn.fingerprint]);
	return {...Object.fromEntries(fresh), ...expected};
}

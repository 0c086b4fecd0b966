import {savedHostKeys, recordHostKeys} from '../answers/store.js';
import {UsageError, UserError, exitCodes} from '../errors.js';
import type {HostConnection} from '../transport/ssh.js';
import type {Answers, HostAnswers} from '../answers/schema.js';
import type {Command, Io} from './context.js';
import {resolveCluster} from './resolve-cluster.js';

/** Where the person reads a host's key on its own console, to compare with the one shown. */
export const consoleKeyCommand = 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub';

/**
 * `pgha trust-host NAME [--cluster NAME] [--yes]`: after a host of a saved
 * cluster was reinstalled or replaced, pgha refuses it, because its key is not
 * the recorded one. This shows the recorded key and the one the host presents
 * now, for the person to compare with the host's console, and once accepted
 * records the new key in place of the old one. Learning the new key offers
 * the host nothing: the connection expects the recorded key, so it ends during
 * the key exchange, before any password or key is sent.
 */
export const trustHost: Command = async (args, flags, io) => {
	if (flags.answers) throw new UsageError('trust-host changes the host keys a saved cluster recorded; pass --cluster NAME, not --answers');
	if (args.length > 1) throw new UsageError(`trust-host takes one host name, not ${args.length}: pgha trust-host NAME [--cluster NAME] [--yes]`);
	const {answers} = await resolveCluster(flags, io);
	const cluster = answers.cluster.name;
	const names = answers.hosts.map(h => h.name).join(', ');
	const [name] = args;
	if (!name) throw new UsageError(`trust-host needs a host name: pgha trust-host NAME (the hosts of cluster "${cluster}": ${names})`);
	const host = answers.hosts.find(h => h.name === name);
	if (!host) throw new UsageError(`cluster "${cluster}" has no host "${name}"; its hosts are ${names}`);
	const where = `${host.name} (${host.ip})`;
	const recorded = savedHostKeys(cluster, io.env)[host.name];

	const presented = await presentedKey(host, answers.ssh, recorded, io);
	if (presented === recorded) {
		io.out(`${where} presents the host key recorded for it, ${recorded}; nothing changed`);
		return exitCodes.ok;
	}
	io.out(
		[
			`Cluster "${cluster}", host ${where}:`,
			`  recorded host key   ${recorded ?? '(none recorded)'}`,
			`  presented host key  ${presented}`,
			`Before you accept it, compare the presented key with what ${host.name}'s own console prints (as root):`,
			`  ${consoleKeyCommand}`,
			`If they differ, do not accept: another machine may be answering at ${host.ip}.`,
		].join('\n'),
	);
	if (!flags.yes) {
		if (!io.interactive) throw new UsageError(`nothing was changed: pass --yes to record ${presented} for ${host.name} without a terminal to confirm on`);
		const {confirm} = await import('./confirm.js');
		if (!(await confirm(`Trust host key ${presented} for ${host.name} in cluster "${cluster}"?`))) {
			io.out('Nothing was changed.');
			return exitCodes.failed;
		}
	}
	// Recorded only in place of the key that was shown as the old one.
	const now = savedHostKeys(cluster, io.env)[host.name];
	if (now !== recorded) throw new UserError(`the key recorded for ${host.name} changed meanwhile (now ${now ?? 'none'}); nothing was changed, run trust-host again`);
	recordHostKeys(cluster, {[host.name]: presented}, io.env);
	io.out(`pgha: recorded host key ${presented} for ${host.name} in cluster "${cluster}"${recorded ? ` in place of ${recorded}` : ''}; pgha connects to ${host.name} again`);
	return exitCodes.ok;
};

/**
 * The key the host presents. With a recorded key the connection expects it: a
 * host that presents another is refused during the key exchange, and the key
 * it presented is the answer. With none recorded there is nothing to expect,
 * and the key is the one the login saw (as for a host added to the cluster).
 */
async function presentedKey(host: HostAnswers, ssh: Answers['ssh'], recorded: string | undefined, io: Io): Promise<string> {
	const {sshConnector} = await import('../engine/connect.js');
	const {HostKeyChanged} = await import('../transport/ssh.js');
	let conn: HostConnection;
	try {
		conn = await (io.connect ?? sshConnector)(host, ssh, recorded);
	} catch (error) {
		if (error instanceof HostKeyChanged) return error.seen;
		const why = error instanceof Error ? error.message : String(error);
		throw new UserError(`${why.startsWith(`${host.name} (${host.ip})`) ? why : `${host.name} (${host.ip}): ${why}`}; nothing was changed`);
	}
	conn.close();
	return conn.fingerprint;
}

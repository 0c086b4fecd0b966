import type {Answers, HostAnswers} from '../source/answers/schema.js';
import type {RunContext, Step} from '../source/engine/step.js';
import type {HostConnection} from '../source/transport/ssh.js';
import {directoryStep, fileStep, type ManagedFile} from './managed-file.js';

export const repoConfig = '/etc/pgbackrest/repo.conf';

/** pgbackrest on the repository host, as postgres, with the repository's config. */
export function pgbackrest(answers: Answers, command: string): string {
	return `runuser -u postgres -- pgbackrest --config=${repoConfig} --stanza=${answers.cluster.name} ${command}`;
}

type BackupInfo = Array<{status: {code: number; message: string}; backup: Array<{type: string; label: string; timestamp: {stop: number}; info: {size: number}}>}>;

/** `pgbackrest info` of the stanza, parsed. */
export async function backupInfo(conn: HostConnection, answers: Answers): Promise<BackupInfo[number] | undefined> {
	const result = await conn.run(pgbackrest(answers, 'info --output=json'), {check: false});
	if (result.code !== 0) return undefined;
	return (JSON.parse(result.stdout) as BackupInfo)[0];
}

/**
 * Key-based SSH as postgres, both ways, between the repository and the nodes:
 * each side trusts exactly the other side's keys, gathered in the packages phase.
 */
export function sshTrustFiles(host: HostAnswers, answers: Answers, shared: RunContext['shared']): ManagedFile[] {
	const repo = answers.hosts.find(h => h.roles.includes('backup'));
	if (!repo) return [];
	const nodes = answers.hosts.filter(h => h.roles.includes('postgres'));
	const peers = new Map<string, HostAnswers>();
	if (host.roles.includes('backup')) for (const node of nodes) peers.set(node.name, node);
	if (host.roles.includes('postgres')) peers.set(repo.name, repo);
	const list = [...peers.values()];
	const userKeys = list.map(peer => shared.get(`userkey:${peer.name}`) as string | undefined);
	const hostKeys = list.map(peer => [peer.ip, shared.get(`hostkey:${peer.name}`) as string | undefined] as const);
	if (userKeys.some(k => !k) || hostKeys.some(([, k]) => !k)) throw new Error('SSH identities of the repository or a node were not gathered; re-run install');
	const file = (path: string, content: string): ManagedFile => ({path, owner: 'postgres', group: 'postgres', mode: 0o600, content, secret: false});
	return [
		// ssh would otherwise append every key type it learns to known_hosts, which pgha owns.
		file('/var/lib/postgresql/.ssh/config', 'Host *\n\tUpdateHostKeys no\n\tStrictHostKeyChecking yes\n\tBatchMode yes\n\tServerAliveInterval 10\n'),
		file('/var/lib/postgresql/.ssh/authorized_keys', `${userKeys.join('\n')}\n`),
		file('/var/lib/postgresql/.ssh/known_hosts', `${hostKeys.map(([ip, key]) => `${ip} ${key}`).join('\n')}\n`),
	];
}

/** The repository: its config, the stanza, a first full backup, and the schedule. */
export function repositorySteps(answers: Answers, files: ManagedFile[]): Step[] {
	const config = files.filter(f => !f.path.startsWith('/etc/cron.d/'));
	const schedule = files.filter(f => f.path.startsWith('/etc/cron.d/'));
	return [
		directoryStep('/var/lib/pgbackrest', 'postgres', 0o750, 'repository /var/lib/pgbackrest'),
		...config.map(fileStep),
		{
			name: `stanza ${answers.cluster.name}`,
			check: async ctx => {
				const info = await backupInfo(ctx.conn, answers);
				return info !== undefined && (info.status.code === 0 || info.status.code === 2);
			},
			apply: async ctx => void (await ctx.run(pgbackrest(answers, 'stanza-create'), {timeoutMs: 300_000})),
		},
		{
			name: 'first full backup',
			check: async ctx => Boolean((await backupInfo(ctx.conn, answers))?.backup.some(b => b.type === 'full')),
			apply: async ctx => void (await ctx.run(pgbackrest(answers, '--type=full backup'), {timeoutMs: 3_600_000})),
		},
		...schedule.map(fileStep),
	];
}

import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {backupHost, hasRole, hostsWithRole} from '../../source/answers/hosts.js';
import {probeStep, type RunContext, type Step, type StepContext} from '../kit/step.js';
import {directoryStep} from '../kit/directory-step.js';
import {fileStep} from '../kit/file-step.js';
import {locations} from '../kit/locations.js';
import {serviceStep} from '../kit/service-step.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {backupInfo, pgbackrest} from './probes.js';
import {RemoteCommandError} from '../../source/transport/ssh.js';
import {nodeFiles, repositoryFiles} from './index.js';

const sshDir = locations.postgresSshDir;

/**
 * The postgres user's SSH key and the host's own key, read into the run so
 * the backup phase can make the repository and the nodes trust each other.
 */
export function sshIdentitySteps(): Step[] {
	return [
		{
			name: 'ssh key of postgres',
			check: async ctx => (await ctx.$({quiet: true, nothrow: true})`test -s ${sshDir}/id_ed25519.pub`).code === 0,
			apply: async ctx =>
				void (await ctx.$`install -d -o postgres -g postgres -m 700 ${sshDir} && runuser -u postgres -- ssh-keygen -q -t ed25519 -N '' -C postgres@$(hostname) -f ${sshDir}/id_ed25519`),
		},
		probeStep('read ssh identity', async ctx => {
			const out = (await ctx.$({quiet: true})`cat ${sshDir}/id_ed25519.pub; cat ${locations.sshHostKey}`).stdout.trim().split('\n');
			ctx.identities.set(ctx.host.name, {userKey: out[0] ?? '', hostKey: out[1]?.split(' ').slice(0, 2).join(' ') ?? ''});
			return true;
		}),
	];
}

/**
 * Key-based SSH as postgres, both ways, between the repository and the nodes:
 * each side trusts exactly the other side's keys, gathered in the packages phase.
 */
export function sshTrustFiles(host: HostAnswers, answers: Answers, identities: RunContext['identities']): ManagedFile[] {
	const repo = backupHost(answers);
	if (!repo) return [];
	const peers = new Map<string, HostAnswers>();
	if (hasRole(host, 'backup')) for (const node of hostsWithRole(answers, 'postgres')) peers.set(node.name, node);
	if (hasRole(host, 'postgres')) peers.set(repo.name, repo);
	const known = [...peers.values()].map(peer => ({peer, identity: identities.get(peer.name)}));
	if (known.some(({identity}) => !identity?.userKey || !identity.hostKey)) throw new Error('SSH identities of the repository or a node were not gathered; re-run install');
	const file = (name: string, content: string): ManagedFile => ({path: `${sshDir}/${name}`, owner: 'postgres', group: 'postgres', mode: 0o600, content, secret: false});
	return [
		// ssh would otherwise append every key type it learns to known_hosts, which pgha owns.
		file('config', 'Host *\n\tUpdateHostKeys no\n\tStrictHostKeyChecking yes\n\tBatchMode yes\n\tServerAliveInterval 10\n'),
		file('authorized_keys', `${known.map(({identity}) => identity!.userKey).join('\n')}\n`),
		// OpenSSH looks a host on another port than 22 up as [ip]:port.
		file('known_hosts', `${known.map(({peer, identity}) => `${answers.ssh.port === 22 ? peer.ip : `[${peer.ip}]:${answers.ssh.port}`} ${identity!.hostKey}`).join('\n')}\n`),
	];
}

/**
 * On a PostgreSQL node: the spool directory asynchronous archiving keeps its
 * queue in, then the config that names the repository. Nothing when the
 * cluster has no repository.
 */
export function nodeSteps(answers: Answers, host: HostAnswers): Step[] {
	const files = nodeFiles(answers, host);
	if (files.length === 0) return [];
	return [directoryStep(locations.pgbackrestSpoolDir, 'postgres', 0o750, `WAL spool ${locations.pgbackrestSpoolDir}`), ...files.map(fileStep)];
}

// pgha once kept the repository's config at repo.conf on every repository host; it holds the cipher, so it goes once moved.
const oldRepoConfigGone: Step = {
	name: `no old repository config ${locations.pgbackrestSharedRepoConfig}`,
	check: async ctx => (await ctx.run(`test ! -e ${locations.pgbackrestSharedRepoConfig}`, {quiet: true, check: false})).code === 0,
	apply: async ctx => void (await ctx.run(`rm -f ${locations.pgbackrestSharedRepoConfig}`)),
};

/** pgBackRest's exit code when another of its processes holds a lock it needs. */
const lockHeld = 50;

/**
 * stanza-create takes every lock of the stanza, and a node's archive-push
 * (asynchronous, retrying since PostgreSQL started) holds the archive lock on
 * the repository for a moment each time it tries, from the moment the SSH
 * trust lets it in: a lock held is waited out, any other failure is reported.
 */
async function stanzaCreate(ctx: StepContext, answers: Answers): Promise<void> {
	const command = pgbackrest(answers, 'stanza-create');
	const deadline = Date.now() + 60_000;
	for (;;) {
		const result = await ctx.run(command, {timeoutMs: 300_000, check: false});
		if (result.code === 0) return;
		if (result.code !== lockHeld || Date.now() > deadline) throw new RemoteCommandError(ctx.host.name, command, result);
		await new Promise(resolve => setTimeout(resolve, 250));
	}
}

/** A full backup from the repository host; the run then counts archiving as proven. */
async function fullBackup(ctx: StepContext, answers: Answers, timeoutMs: number): Promise<void> {
	await ctx.run(pgbackrest(answers, '--type=full backup'), {timeoutMs});
	// A backup ends only once the WAL it needs is in the repository, pushed by the primary's archive_command.
	ctx.proven?.add('archiving');
}

/** The repository's directory and config: nothing of PostgreSQL needed, so written while it installs. */
export function repositoryConfigSteps(answers: Answers, host: HostAnswers): Step[] {
	if (!hasRole(host, 'backup')) return [];
	return [
		directoryStep(locations.pgbackrestRepoPath, 'postgres', 0o750, `repository ${locations.pgbackrestRepoPath}`),
		...repositoryFiles(answers, host).config.map(fileStep),
		...(hasRole(host, 'postgres') ? [] : [oldRepoConfigGone]),
	];
}

/** The repository at work: the stanza, a first full backup, the restore drill's script, and the schedule (its config comes first: repositoryConfigSteps). */
export function repositorySteps(answers: Answers, host: HostAnswers): Step[] {
	const {drill, schedule} = repositoryFiles(answers, host);
	return [
		{
			name: `stanza ${answers.cluster.name}`,
			check: async ctx => {
				const info = await backupInfo(ctx.run, answers);
				return info !== undefined && (info.status.code === 0 || info.status.code === 2);
			},
			apply: ctx => stanzaCreate(ctx, answers),
		},
		{
			name: 'first full backup',
			check: async ctx => Boolean((await backupInfo(ctx.run, answers))?.backup.some(b => b.type === 'full')),
			apply: ctx => fullBackup(ctx, answers, 3_600_000),
		},
		...drill.map(fileStep),
		...schedule.map(fileStep),
		// cron installs while services are held back, so nothing would run the schedule until a reboot.
		serviceStep('cron'),
	];
}

/**
 * After a restore: a full backup taken since the restore began, so the new
 * timeline has a backup of its own (the replicas are re-created from it, and
 * a later restore to a time after this one starts from it).
 */
export function freshFullBackupStep(answers: Answers, since: Date): Step {
	const after = Math.floor(since.getTime() / 1000);
	return {
		name: 'a full backup of the restored cluster',
		check: async ctx => Boolean((await backupInfo(ctx.run, answers))?.backup.some(b => b.type === 'full' && b.timestamp.start >= after)),
		apply: ctx => fullBackup(ctx, answers, 24 * 3_600_000),
	};
}

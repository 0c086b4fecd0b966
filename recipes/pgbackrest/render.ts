import type {Answers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations} from '../kit/locations.js';
import {backupHost, hasRole, hostsWithRole} from '../../source/answers/hosts.js';

/**
 * Where the repository host keeps the repository's config: pgBackRest's
 * default path, so `pgbackrest --stanza=NAME info` (and check, backup) works
 * there as postgres with no flags, unless that host is also a PostgreSQL node,
 * whose default config is the node's (info, check and restore work through it too).
 */
export function repoConfigPath(answers: Answers): string {
	const repo = backupHost(answers);
	return repo && hasRole(repo, 'postgres') ? locations.pgbackrestSharedRepoConfig : locations.pgbackrestNodeConfig;
}

// Repository and node settings live in two files so one host can be both (the
// compact layout); each side names the other's file with *-host-config.
// pgBackRest reaches the other side over SSH, on the port pgha itself uses.
const sshPort = (answers: Answers, key: string): Array<[string, number]> => (answers.ssh.port === 22 ? [] : [[key, answers.ssh.port]]);

const ini = (sections: Array<[string, Array<[string, string | number]>]>) =>
	sections.map(([name, options]) => [`[${name}]`, ...options.map(([key, value]) => `${key}=${value}`)].join('\n')).join('\n\n');

/**
 * The repository's config (repoConfigPath) on the repository host: where backups go, how they
 * are encrypted and kept, and how to reach every PostgreSQL node over SSH.
 */
export function renderPgbackrestRepo(answers: Answers): ManagedFile {
	const {backup, passwords} = answers;
	const global: Array<[string, string | number]> = [
		['repo1-path', locations.pgbackrestRepoPath],
		['repo1-retention-full', backup.retentionFull],
		...(backup.retentionDiff !== undefined ? [['repo1-retention-diff', backup.retentionDiff] as [string, number]] : []),
		['repo1-cipher-type', 'aes-256-cbc'],
		// Zstandard: smaller than gzip's default for a fraction of its CPU, on the node that reads the files.
		['compress-type', 'zst'],
		// pgBackRest takes everything after the first "=" up to the end of the
		// line, trimmed; the schema refuses control characters and edge spaces.
		['repo1-cipher-pass', passwords.backupCipher],
		['start-fast', 'y'],
		['log-level-console', 'info'],
		['log-level-file', 'detail'],
	];
	const stanza = hostsWithRole(answers, 'postgres').flatMap((host, i): Array<[string, string | number]> => {
		const n = i + 1;
		return [
			[`pg${n}-host`, host.ip],
			[`pg${n}-host-user`, 'postgres'],
			...sshPort(answers, `pg${n}-host-port`),
			[`pg${n}-host-config`, locations.pgbackrestNodeConfig],
			[`pg${n}-path`, locations.pgDataDir],
			[`pg${n}-socket-path`, locations.pgSocketDir],
		];
	});
	return {
		path: repoConfigPath(answers),
		owner: 'postgres',
		group: 'postgres',
		mode: 0o600,
		content: `# Managed by pgha: pgBackRest repository of cluster ${answers.cluster.name}\n${ini([['global', global], [answers.cluster.name, stanza]])}\n`,
		secret: true,
		onChange: 'none',
	};
}

/** /etc/pgbackrest/pgbackrest.conf on a PostgreSQL node: the repository is remote. */
export function renderPgbackrestNode(answers: Answers): ManagedFile {
	const repo = backupHost(answers);
	if (!repo) throw new Error('renderPgbackrestNode needs a backup host');
	const content = ini([
		[
			'global',
			[
				['repo1-host', repo.ip],
				['repo1-host-user', 'postgres'],
				...sshPort(answers, 'repo1-host-port'),
				['repo1-host-config', repoConfigPath(answers)],
				['compress-type', 'zst'],
				// PostgreSQL hands archive-push one segment at a time and waits for each: asynchronous, a
				// backlog (a burst of writes, a repository that was away) travels two segments at a time
				// over one connection, and archive-get on a replica fetches ahead. The spool directory is
				// the one Debian's package makes for it, owned by postgres.
				['archive-async', 'y'],
				['spool-path', locations.pgbackrestSpoolDir],
				['log-level-file', 'detail'],
			],
		],
		['global:archive-push', [['process-max', 2]]],
		[
			answers.cluster.name,
			[
				['pg1-path', locations.pgDataDir],
				['pg1-socket-path', locations.pgSocketDir],
			],
		],
	]);
	return {
		path: locations.pgbackrestNodeConfig,
		owner: 'postgres',
		group: 'postgres',
		mode: 0o640,
		content: `# Managed by pgha: pgBackRest on a node of cluster ${answers.cluster.name}\n${content}\n`,
		secret: false,
		onChange: 'none',
	};
}

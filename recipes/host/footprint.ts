import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {hasRole} from '../../source/answers/hosts.js';
import {placeholderKeys} from '../../source/keys/cluster-keys.js';
import {hostFiles, hostServices, packagesFor} from '../index.js';
import {keepalivedScriptUser, locations} from '../kit/locations.js';
import {noMainCluster} from '../postgres/steps.js';
import {restoreMarks} from '../postgres/restore-steps.js';
import {repositoryFiles} from '../pgbackrest/index.js';
import {bundleDirOnHost} from './apt-scripts.js';

/**
 * Everything pgha puts on one host, as its recipes say: what an uninstall
 * stops, removes and (asked to) wipes. Derived from the same file and
 * service lists install converges, so the two never drift apart. Pure.
 */
export type HostFootprint = {
	/** Units pgha runs, in the order they stop: the VIP first, etcd last. */
	units: string[];
	/** The backup schedule and the restore drill's script: gone before anything stops. */
	schedule: string[];
	/** Every file pgha writes (rendered files, SSH trust, markers and leftovers of its own runs). */
	files: string[];
	/** Directories pgha made that hold only its own files (TLS directories, the restore drill's). */
	directories: string[];
	/** Directories that may be left empty once pgha's files are gone. */
	emptyParents: string[];
	/** The databases' data: PostgreSQL's and etcd's. */
	data: string[];
	/** The pgBackRest repository and its logs, on the repository host. */
	backups: string[];
	/** The role packages pgha asks apt for. */
	packages: string[];
	/** System users pgha made itself (a package's own users go with the package). */
	users: string[];
};

// Stopped in this order: Keepalived gives the VIP up before HAProxy stops answering behind it,
// PgBouncer before PostgreSQL, and etcd once Patroni no longer needs it.
const stopOrder = ['keepalived', 'haproxy', 'pgbouncer', 'patroni', 'etcd'];

// What pgha's runs leave beside the rendered files.
const sshDir = locations.postgresSshDir;
const sshFiles = ['config', 'authorized_keys', 'known_hosts', 'id_ed25519', 'id_ed25519.pub'].map(name => `${sshDir}/${name}`);

const parent = (path: string) => path.slice(0, path.lastIndexOf('/'));

// Directories only the stack's files live in; a shared one (/etc/cron.d, /etc/sysctl.d) is never removed, even empty.
const ownDirectories = new Set(['/etc/pgha', '/etc/patroni', '/etc/etcd', '/etc/pgbouncer', '/etc/haproxy', '/etc/keepalived', '/etc/pgbackrest', '/usr/local/lib/pgha', '/var/lib/pgha', sshDir]);

/** What pgha put on one host (see HostFootprint). */
export function hostFootprint(answers: Answers, host: HostAnswers): HostFootprint {
	// Only the paths are read: the texts may be rendered with stand-ins for what a run would make first.
	const stand = {...answers, passwords: {...answers.passwords, haproxyStats: answers.passwords.haproxyStats ?? 'unused'}};
	const rendered = hostFiles(stand, host.name, {interface: answers.network.interface ?? 'eth0', keys: placeholderKeys(answers)}).map(f => f.path);
	// cron runs the backups but is the host's own scheduler: only pgha's schedule file goes.
	const units = stopOrder.filter(unit => hostServices(answers, host).some(s => s.unit === unit));
	const postgres = hasRole(host, 'postgres');
	const backup = hasRole(host, 'backup');
	const nodeOrRepo = postgres || backup;
	const files = [
		...rendered,
		...(nodeOrRepo ? [noMainCluster.path, ...sshFiles] : []),
		...(postgres ? [locations.pgpass] : []),
		...(backup ? [locations.backupVerifyLog] : []),
	];
	const tls = [...new Set(rendered.filter(path => parent(path).endsWith('/tls')).map(parent))];
	// A restore's progress marks, left only by one that never finished.
	const restores = parent(restoreMarks('any'));
	const directories = [...tls, ...(postgres ? [parent(locations.pgbouncerDropIn), restores] : []), ...(backup ? [locations.backupVerifyDir] : []), bundleDirOnHost, locations.pendingChangesDir];
	const emptyParents = [...new Set([...files, ...directories, locations.clusterMarker, locations.packagesBeforePgha].map(parent))].filter(dir => ownDirectories.has(dir));
	const repo = repositoryFiles(answers, host);
	return {
		units,
		schedule: [...repo.schedule, ...repo.drill].map(f => f.path),
		files: [...new Set(files)],
		directories,
		emptyParents: emptyParents.sort((a, b) => b.length - a.length),
		data: [...(postgres ? [locations.pgDataDir] : []), ...(hasRole(host, 'etcd') ? [locations.etcdDataDir] : [])],
		backups: backup ? [locations.pgbackrestRepoPath, locations.pgbackrestLogDir] : [],
		packages: packagesFor(host),
		users: hasRole(host, 'balancer') ? [keepalivedScriptUser] : [],
	};
}

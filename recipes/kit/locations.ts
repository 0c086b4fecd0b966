/**
 * Where things live on the hosts: Debian 12's package layout plus the seed's
 * data directory. The one table of paths and ports: renderers, steps, probes
 * and the plan import these instead of repeating them.
 */
/**
 * The second line `pgha remove-node` writes into the cluster marker of a host
 * whose data it kept: that data is the cluster's past, and no install starts
 * the host as a member on it again.
 */
export const removedMark = 'removed';

export const locations = {
	clusterMarker: '/etc/pgha/cluster',
	/** The packages a host had before pgha's first install there (dpkg's fully installed ones), so an uninstall keeps them. */
	packagesBeforePgha: '/var/lib/pgha/packages-before',
	/** The reloads and restarts units owe for files an earlier run changed (kit/pending-change.ts). */
	pendingChangesDir: '/var/lib/pgha/pending',
	/** Left in a kept repository by an uninstall that wiped the database it backs up: a new database cannot archive into it. */
	repositoryOfWipedData: '/var/lib/pgbackrest/pgha-data-wiped',
	etcdDefaults: '/etc/default/etcd',
	etcdDataDir: '/var/lib/etcd',
	patroniConfig: '/etc/patroni/config.yml',
	pgDataDir: '/data/patroni',
	pgBinDir: '/usr/lib/postgresql/15/bin',
	pgSocketDir: '/var/run/postgresql',
	pgCreateClusterConf: '/etc/postgresql-common/createcluster.conf',
	postgresHome: '/var/lib/postgresql',
	postgresSshDir: '/var/lib/postgresql/.ssh',
	pgpass: '/var/lib/postgresql/.pgpass_patroni',
	pgbouncerIni: '/etc/pgbouncer/pgbouncer.ini',
	pgbouncerUserlist: '/etc/pgbouncer/userlist.txt',
	pgbouncerDropIn: '/etc/systemd/system/pgbouncer.service.d/pgha.conf',
	haproxyConfig: '/etc/haproxy/haproxy.cfg',
	haproxySocket: '/run/haproxy/admin.sock',
	/** Servers' states handed from one HAProxy worker to the next across a reload; holds none ("1") otherwise. */
	haproxyServerState: '/var/lib/haproxy/server-state',
	keepalivedConfig: '/etc/keepalived/keepalived.conf',
	sysctlConfig: '/etc/sysctl.d/90-pgha.conf',
	/** pgBackRest's default config: a node's, or the repository's on a repository host that is no PostgreSQL node. */
	pgbackrestNodeConfig: '/etc/pgbackrest/pgbackrest.conf',
	/** The repository's config where the default path already holds the node's (a host that is both). */
	pgbackrestSharedRepoConfig: '/etc/pgbackrest/repo.conf',
	pgbackrestRepoPath: '/var/lib/pgbackrest',
	/** pgBackRest's default log-path, which pgha keeps: `<stanza>-backup.log` there on the repository host. */
	pgbackrestLogDir: '/var/log/pgbackrest',
	pgbackrestSpoolDir: '/var/spool/pgbackrest',
	cronDir: '/etc/cron.d',
	/** The restore drill on the repository host: its script, its working directory (the throwaway's data) and its result. */
	backupVerifyScript: '/usr/local/lib/pgha/backup-verify',
	backupVerifyDir: '/var/lib/pgha/backup-verify',
	backupVerifyResult: '/var/lib/pgha/backup-verify/last.json',
	/** Where the scheduled drill's output goes (cron mails nothing on these hosts). */
	backupVerifyLog: '/var/log/pgha-backup-verify.log',
	sshHostKey: '/etc/ssh/ssh_host_ed25519_key.pub',
	// Each service keeps its own copy of the host's certificate, owned by its user.
	etcdTlsDir: '/etc/etcd/tls',
	postgresTlsDir: '/etc/patroni/tls',
	haproxyTlsDir: '/etc/haproxy/tls',
	pgbouncerTlsDir: '/etc/pgbouncer/tls',
	pgbouncerHba: '/etc/pgbouncer/hba.conf',
	// Environment for an operator's root shell: etcdctl and patronictl find the cluster without flags.
	etcdProfile: '/etc/profile.d/pgha-etcd.sh',
	patroniProfile: '/etc/profile.d/pgha-patroni.sh',
} as const;

/** TCP ports of the stack. */
export const ports = {
	etcdClient: 2379,
	etcdPeer: 2380,
	postgres: 5432,
	patroniApi: 8008,
	pgbouncer: 6432,
	readWrite: 5000,
	readOnly: 5001,
	haproxyStats: 7000,
} as const;

/** The unprivileged user Keepalived runs its check script as; its recipe creates it. */
export const keepalivedScriptUser = 'keepalived_script';

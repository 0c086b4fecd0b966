/**
 * Another cluster's repository a new cluster is restored from (`restore
 * --into`): where its leader reaches it over SSH as postgres, and how that
 * access is given for the restore and taken away after.
 */
export type SourceRepository = {
	/** The source cluster's name: its pgBackRest stanza. */
	cluster: string;
	ip: string;
	port: number;
	/** The repository's config on that host. */
	configPath: string;
	/** That host's SSH key ("ssh-ed25519 AAAA..."), which the new leader checks. */
	hostKey: string;
	/** Lets a postgres public key log in as postgres on the source repository host. */
	authorize(publicKey: string): Promise<void>;
	/** Takes that access away again. */
	revoke(publicKey: string): Promise<void>;
};

/** What a restore's steps need to know: its marks on the hosts, the leader, the backup, pgBackRest's options and the target as said. */
export type RestoreRun = {
	id: string;
	leader: string;
	backup: string;
	restoreOptions: string[];
	target: string;
	startedAt: Date;
	/** Set when a new cluster is restored from another cluster's repository. */
	source?: SourceRepository;
};

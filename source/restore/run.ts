/** What a restore's steps need to know: its marks on the hosts, the leader, the backup, pgBackRest's options and the target as said. */
export type RestoreRun = {id: string; leader: string; backup: string; restoreOptions: string[]; target: string; startedAt: Date};

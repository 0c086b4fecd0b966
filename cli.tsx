#!/usr/bin/env node
import {runCommandLine} from './source/commands/command-line.js';

const help = `
	Usage
	  $ pgha                                   guided wizard: a new cluster, or a saved one
	  $ pgha install [--answers FILE] [--bundle FILE] [--yes] [--dry-run]
	  $ pgha plan --answers FILE [--json]      what install would do, changing nothing
	  $ pgha validate FILE                     check an answer file (exit 0 or 2)
	  $ pgha schema                            the answer file's JSON Schema
	  $ pgha verify [--cluster NAME]           prove the cluster works end to end
	  $ pgha status [--cluster NAME] [--json]
	  $ pgha repair [--cluster NAME] [--check]
	  $ pgha add-replica [--cluster NAME] [--name N --ip IP] [--yes]
	  $ pgha remove-node NAME [--cluster NAME] [--wipe] [--switchover] [--yes] [--dry-run]
	                                           a host leaves the cluster with all its roles; the rest forgets it
	  $ pgha trust-host NAME [--cluster NAME] [--yes]
	                                           after a host was reinstalled or replaced: compare its new SSH key, then record it
	  $ pgha rotate password NAME [--cluster NAME] [--stdin] [--yes]
	                                           NAME: superuser, replication, app, patroniApi, haproxyStats
	  $ pgha rotate certificates [--cluster NAME] [--yes]
	  $ pgha restore [--cluster NAME] --to TIME|LSN|latest|BACKUP-LABEL [--yes]
	                                           point-in-time recovery of the whole cluster; no --to finishes an interrupted one
	  $ pgha restore --into ANSWERS [--cluster SOURCE] [--to TARGET] [--yes]
	                                           a new cluster on other hosts, restored from SOURCE's backups
	  $ pgha switchover [--cluster NAME] [--to MEMBER] [--yes]
	  $ pgha restart [--cluster NAME] [--rolling] [--member NAME] [--yes]
	                                           PostgreSQL restarted member by member: replicas, a switchover, the former leader
	  $ pgha upgrade [--cluster NAME] [--bundle FILE] [--max-transaction-age SECONDS] [--yes] [--dry-run]
	                                           minor upgrade to the versions the mirror (or a newer bundle) offers, one host at a time
	  $ pgha config set KEY VALUE [--cluster NAME] | config unset KEY | config get KEY | config show
	                                           edit the saved answers by dotted key (postgresql.parameters.shared_buffers 256MB)
	  $ pgha drill failover [--cluster NAME] [--kind crash|partition|graceful] [--yes]
	  $ pgha drill vip [--cluster NAME] [--yes]
	  $ pgha backup [--cluster NAME] [--type full|diff|incr] [--yes]
	                                           a pgBackRest backup now, its progress live
	  $ pgha backup verify [--cluster NAME]    the restore drill: prove the latest backup restores
	  $ pgha backups [--cluster NAME] [--json] every backup and the span of time each restores to
	  $ pgha uninstall [--cluster NAME] [--wipe-data] [--wipe-backups] [--yes --confirm NAME] [--dry-run]
	                                           stop and remove what pgha put on the hosts; data and backups stay unless wiped
	  $ pgha answers list | show NAME | export NAME [--file F] | import FILE | remove NAME
	  $ pgha bundle create [--output FILE] [--roles etcd,postgres,balancer,backup] [--arch amd64] [--mirror URL] [--security URL|none]
	                                           every package the roles need, in one file, for hosts with no network
	  $ pgha bundle show FILE [--json]
	  $ pgha lab up [--topology seed|compact|large] [--mirror] [--write-answers FILE]
	  $ pgha lab status [--json] | lab down [--purge]
	  $ pgha lab add NAME [--ip IP] | lab stop NAME | lab crash NAME | lab start NAME
	  $ pgha lab replace NAME                  the host lost and replaced: a new, empty machine, same name and IP

	Options
	  --answers, -a   answer file (YAML or JSON)
	  --cluster, -c   a saved cluster's name
	  --yes, -y       do not ask for confirmation
	  --json          machine-readable output
	  --check         repair: report drift only (exit 3 if any)
	  --dry-run       install, uninstall, remove-node, upgrade: show the plan, change nothing
	  --wipe-data     uninstall: delete PostgreSQL's and etcd's data too
	  --wipe-backups  uninstall: delete the pgBackRest repository too
	  --confirm       uninstall: the cluster's name again, with --yes, where no terminal can ask for it
	  --wipe          remove-node: also remove the host's PostgreSQL and etcd data directories
	  --switchover    remove-node: when the host leads, hand the leader role to a replica first
	  --stdin         rotate password: read the new password from standard input (one line)
	  --to            switchover: the member that becomes leader; restore: the time, LSN, backup label or latest
	  --rolling       restart: every member, replicas first, the leader after a switchover (the default)
	  --member        restart: only this member (the leader after a switchover)
	  --kind          drill failover: crash (default), partition or graceful
	  --type          backup: full, diff or incr (default incr once a full backup exists, else full)
	  --output        bundle create: the file to write (default pgha-bundle-bookworm-ARCH-DATE.tar here)
	  --roles         bundle create: the roles to bundle, comma-separated (default all)
	  --arch          bundle create: the hosts' Debian architecture (default amd64)
	  --mirror        bundle create: the Debian archive to use instead of this machine's;
	                  lab up: the hosts install through a package cache, not the lab's bundle
	  --max-transaction-age
	                  upgrade: refuse while a transaction on the leader is older than this (seconds, default 300)
	  --security      bundle create: the security archive to use instead of this machine's; none leaves it out
	  --bundle        install, repair, add-replica, upgrade: packages from this bundle file (no package source needed)
	  --topology      lab up: seed (9 hosts, the default), compact (3) or large (15)
	  --debug         show stack traces on errors

	Exit codes: 0 ok, 1 failed, 2 bad usage or invalid answers, 3 drift found
`;

process.exitCode = await runCommandLine(process.argv.slice(2), help, {
	answers: {type: 'string', shortFlag: 'a'},
	cluster: {type: 'string', shortFlag: 'c'},
	yes: {type: 'boolean', shortFlag: 'y', default: false},
	dryRun: {type: 'boolean', default: false},
	json: {type: 'boolean', default: false},
	check: {type: 'boolean', default: false},
	debug: {type: 'boolean', default: false},
	name: {type: 'string'},
	ip: {type: 'string'},
	file: {type: 'string'},
	topology: {type: 'string', default: 'seed'},
	writeAnswers: {type: 'string'},
	purge: {type: 'boolean', default: false},
	stdin: {type: 'boolean', default: false},
	to: {type: 'string'},
	rolling: {type: 'boolean', default: false},
	member: {type: 'string'},
	into: {type: 'string'},
	kind: {type: 'string'},
	type: {type: 'string'},
	bundle: {type: 'string'},
	output: {type: 'string'},
	roles: {type: 'string'},
	arch: {type: 'string'},
	mirror: {type: 'string'},
	security: {type: 'string'},
	maxTransactionAge: {type: 'string'},
	wipeData: {type: 'boolean', default: false},
	wipeBackups: {type: 'boolean', default: false},
	confirm: {type: 'string'},
	wipe: {type: 'boolean', default: false},
	switchover: {type: 'boolean', default: false},
});

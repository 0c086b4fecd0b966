import type {Answers} from '../../source/answers/schema.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations} from '../kit/locations.js';
import {repoConfigPath} from './render.js';

/** One check of a restore drill, as last.json records it. */
export type DrillCheck = {name: string; ok: boolean; evidence: string};

/** One sampled table: its rows in the restore and on the leader, and what the comparison found. */
export type DrillTable = {db: string; table: string; restored: number | null; live: number | null; status: string};

/**
 * What the restore drill writes to last.json on the repository host when it
 * ends, passed or failed: when it ended (ISO, UTC), the backup it restored,
 * how long the restore and the WAL replay took, every check with its
 * evidence, the sampled tables, and every problem (empty when it passed).
 */
export type DrillResult = {
	at: string;
	ok: boolean;
	durationSeconds: number;
	/** The restore and the replay of the archived WAL up to the promotion. */
	restoreSeconds: number;
	/** The label of the backup restored; empty when none could be. */
	backup: string;
	problems: string[];
	checks: DrillCheck[];
	tables: DrillTable[];
};

/** A drill result read from last.json; undefined when the text is no such result. */
export function parseDrillResult(text: string): DrillResult | undefined {
	try {
		const value = JSON.parse(text) as Partial<DrillResult> | null;
		if (!value || typeof value !== 'object') return undefined;
		const {at, ok, durationSeconds, restoreSeconds, backup, problems, checks, tables} = value;
		if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof ok !== 'boolean' || typeof durationSeconds !== 'number' || typeof restoreSeconds !== 'number') return undefined;
		if (!Array.isArray(problems) || !problems.every(p => typeof p === 'string')) return undefined;
		return {at, ok, durationSeconds, restoreSeconds, backup: typeof backup === 'string' ? backup : '', problems, checks: Array.isArray(checks) ? checks : [], tables: Array.isArray(tables) ? tables : []};
	} catch {
		return undefined;
	}
}

/**
 * The port of the drill's throwaway PostgreSQL. It listens on no TCP address,
 * so the port only names its socket, in the drill's own directory: it cannot
 * collide with another server on the host (the compact layout's node).
 */
export const drillPort = 54329;

const ssh = (answers: Answers) => ['-o', 'ConnectTimeout=10', ...(answers.ssh.port === 22 ? [] : ['-p', String(answers.ssh.port)])];

/**
 * /usr/local/lib/pgha/backup-verify on the repository host: the restore
 * drill. It restores the latest backup with the repository's own config
 * into a throwaway PostgreSQL 15 on this host, replays the archived WAL to
 * its end, and checks what came back (pg_amcheck, row counts of the largest
 * tables against the live leader) and the whole repository (pgbackrest
 * verify). It prints a line per stage and writes the result to last.json.
 * Root runs it (from cron, or `pgha backup verify`); it never prints the
 * repository's config, which holds the cipher.
 */
export function renderBackupVerifyScript(answers: Answers): ManagedFile {
	const nodes = hostsWithRole(answers, 'postgres').map(h => `${h.name}=${h.ip}`);
	const header = [
		'#!/bin/bash',
		`# Managed by pgha: the restore drill of cluster ${answers.cluster.name} (pgha backup verify; cron runs it on backup.verify).`,
		'# Restores the latest backup into a throwaway PostgreSQL on this host, replays the archived WAL to its',
		'# end and checks the result: pg_amcheck, row counts of the largest tables against the live leader, and',
		`# pgbackrest verify of the whole repository. One line per stage on stdout; the result in ${locations.backupVerifyResult}.`,
		'set -euo pipefail',
		'umask 077',
		'',
		`stanza=${answers.cluster.name}`,
		`config=${repoConfigPath(answers)}`,
		`bin=${locations.pgBinDir}`,
		`work=\${PGHA_BACKUP_VERIFY_DIR:-${locations.backupVerifyDir}}`,
		`nodes=(${nodes.join(' ')})`,
		`ssh_options=(${ssh(answers).join(' ')})`,
		`port=${drillPort}`,
		'# Seconds: the whole replay of the archived WAL, and the leader archiving the WAL file it switched to.',
		'replay_limit=${PGHA_BACKUP_VERIFY_REPLAY_LIMIT:-21600}',
		'archive_limit=300',
	];
	return {
		path: locations.backupVerifyScript,
		owner: 'root',
		group: 'root',
		mode: 0o750,
		content: `${header.join('\n')}\n${body}`,
		secret: false,
		onChange: 'none',
	};
}

/**
 * A bash script written as a template literal: its text as written (no
 * escape is read, so backslashes stay bash's), with \${ standing for bash's
 * own ${ (a template literal would read it as its own interpolation).
 */
const bash = (text: TemplateStringsArray): string => text.raw.join('').replaceAll('\\${', '${');

// The drill itself; the header above sets its variables from the answers.
const body = bash`
data=$work/data
run=$work/run
spaces=$work/tablespaces
result=$work/last.json
started=$(date +%s)
stage=preparation
stage_started=$started
finished=0
label=''
restore_seconds=0
leader_name=''
leader_ip=''
switch_lsn=''
state=''

say() { { printf '[%5d s] %s\n' "$(( $(date +%s) - started ))" "$*"; } 2>/dev/null || true; }
# Lines from a tool, indented under the stage that ran it.
quote() { local line; while IFS= read -r line; do { printf '          | %s\n' "$line"; } 2>/dev/null || true; done; }
as_postgres() { runuser -u postgres -- "$@"; }
begin() { stage=$1; stage_started=$(date +%s); }
took() { echo $(( $(date +%s) - stage_started )); }
one_line() { tr '\n' ' ' | sed -e 's/  */ /g' -e 's/^ //' -e 's/ $//'; }
human() { awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.1f GiB", b / 1073741824; else printf "%.0f MiB", b / 1048576 }'; }
lsn_number() { local high=\${1%/*} low=\${1#*/}; echo $(( (16#$high << 32) + 16#$low )); }

# SQL on the throwaway, as postgres over its own socket.
local_sql() { as_postgres "$bin/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -d "$1" -c "$2"; }
# SQL (on stdin) on a PostgreSQL node, through the SSH trust postgres has there.
node_sql() {
	local ip=$1 db=$2 limit=\${3:-120}
	timeout "$limit" runuser -u postgres -- ssh "\${ssh_options[@]}" "$ip" "PGCONNECT_TIMEOUT=10 psql -X -A -t -q -v ON_ERROR_STOP=1 -d $(printf %q "$db")"
}

problem() { jq -cn --arg p "$1" '$p' >> "$state/problems"; }
# A stage's verdict: kept for last.json and said on stdout.
check() {
	local name=$1 ok=$2 evidence=$3
	jq -cn --arg name "$name" --argjson ok "$ok" --arg evidence "$evidence" '{name: $name, ok: $ok, evidence: $evidence}' >> "$state/checks"
	if [ "$ok" = true ]; then
		say "$name: ok ($(took) s), $evidence"
	else
		say "$name: FAILED ($(took) s): $evidence"
		problem "$name: $evidence"
	fi
}
table() {
	jq -cn --arg db "$1" --arg table "$2" --arg restored "$3" --arg live "$4" --arg status "$5" \
		'{db: $db, table: $table, restored: ($restored | if . == "" then null else tonumber end), live: ($live | if . == "" then null else tonumber end), status: $status}' >> "$state/tables"
	say "  $1 $2: restored \${3:-none}, leader \${4:-none}: $5"
}

pg_running() { [ -f "$data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$data" status > /dev/null 2>&1; }
stop_throwaway() {
	[ -f "$data/postmaster.pid" ] || return 0
	as_postgres "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop > /dev/null 2>&1 ||
		as_postgres "$bin/pg_ctl" -D "$data" -m immediate -w -t 60 stop > /dev/null 2>&1 || true
	local pid
	pid=$(head -n 1 "$data/postmaster.pid" 2> /dev/null || true)
	if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2> /dev/null)" = "$bin/postgres" ]; then kill -KILL "$pid" 2> /dev/null || true; fi
}
remove_throwaway() { stop_throwaway; rm -rf "$data" "$run" "$spaces"; }

write_result() {
	local ok=true
	[ ! -s "$state/problems" ] || ok=false
	jq -n --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson ok "$ok" --argjson duration "$(( $(date +%s) - started ))" \
		--argjson restore "$restore_seconds" --arg backup "$label" \
		--slurpfile problems "$state/problems" --slurpfile checks "$state/checks" --slurpfile tables "$state/tables" \
		'{at: $at, ok: $ok, durationSeconds: $duration, restoreSeconds: $restore, backup: $backup, problems: $problems, checks: $checks, tables: $tables}' > "$result.tmp"
	chmod 0644 "$result.tmp"
	mv -f "$result.tmp" "$result"
	[ "$ok" = true ]
}

# Whatever happened, the throwaway is stopped and removed, and a drill that
# stopped half way says so in last.json.
on_exit() {
	local code=$?
	set +e
	trap - EXIT
	if [ "$finished" = 0 ]; then
		case $code in
			130) how='was interrupted (SIGINT)' ;;
			143) how='was stopped (SIGTERM)' ;;
			*) how="ended with exit code $code; the lines before say why" ;;
		esac
		say "the drill $how during $stage"
		problem "the drill $how during $stage"
		write_result
		case $code in 130 | 143) ;; *) code=1 ;; esac
	fi
	remove_throwaway
	rm -rf "$state"
	exit "$code"
}

for tool in jq flock runuser pgbackrest "$bin/pg_ctl" "$bin/psql" "$bin/pg_amcheck" "$bin/pg_controldata"; do
	if ! command -v "$tool" > /dev/null; then
		echo "pgha restore drill: $tool is missing on this host; pgha repair installs what the drill needs" >&2
		exit 2
	fi
done
# Tools run as postgres, who may not enter the directory the drill was started from (root's home).
cd /
install -d -m 0755 "$work"
if ! as_postgres test -x "$work"; then
	echo "pgha restore drill: postgres cannot enter $work; a directory above it is closed to other users" >&2
	exit 2
fi
exec 9> "$work/.lock"
if ! flock -n 9; then
	echo "pgha restore drill: another drill is running on this host (it holds $work/.lock); this one did not start" >&2
	exit 2
fi
# A viewer that goes away (the SSH session of pgha backup verify) does not stop the drill.
trap '' HUP PIPE
trap 'exit 130' INT
trap 'exit 143' TERM
if [ -e "$data" ] || [ -e "$run" ] || [ -e "$spaces" ]; then
	remove_throwaway
	leftovers=1
else
	leftovers=0
fi
rm -rf "$work"/.state.*
state=$(mktemp -d "$work/.state.XXXXXX")
: > "$state/problems"
: > "$state/checks"
: > "$state/tables"
trap on_exit EXIT
say "restore drill of stanza $stanza with $config, in $work"
[ "$leftovers" = 0 ] || say "removed what an earlier drill left in $work"

# --- the latest backup, and room for it -----------------------------------
begin 'latest backup'
size=0
# Only the JSON on stdout; an error goes to stderr.
if info=$(as_postgres pgbackrest --config="$config" --stanza="$stanza" --log-level-console=off --log-level-stderr=error --output=json info 2> "$state/info.log"); then
	IFS=$'\t' read -r label type size stop archive_id message < <(jq -r '.[0] | ((.backup // []) | last) as $b | [($b.label // ""), ($b.type // ""), ($b.info.size // 0), ($b.timestamp.stop // 0), (((.archive // []) | last | .id) // ""), (.status.message // "")] | @tsv' <<< "$info") || true
	if [ -n "$label" ]; then
		check 'latest backup' true "$label ($type, finished $(date -u -d "@$stop" +%Y-%m-%dT%H:%M:%SZ)), database $(human "$size")"
	else
		check 'latest backup' false "the repository holds no backup of stanza $stanza (pgBackRest: $message)"
	fi
else
	check 'latest backup' false "pgbackrest info failed: $(tail -n 3 "$state/info.log" | one_line)"
fi

room=false
if [ -n "$label" ]; then
	begin 'disk space'
	free=$(df --output=avail -B1 "$work" | tail -n 1 | tr -d ' ')
	# The database, a fifth more for what the replayed WAL adds, and 1 GiB for the WAL files themselves.
	need=$(( size + size / 5 + 1073741824 ))
	if [ "$free" -ge "$need" ]; then
		room=true
		check 'disk space' true "$(human "$free") free in $work, about $(human "$need") needed"
	else
		check 'disk space' false "not enough free space in $work for backup $label: $(human "$free") free, the restore needs about $(human "$need") (the database, $(human "$size"), a fifth more for the WAL it replays, and 1 GiB); nothing was restored"
	fi
fi

# --- the restore point: the leader's WAL archived up to now ----------------
sample=false
declare -A leader_setting=()
if [ "$room" = true ]; then
	begin 'restore point'
	tried=()
	for entry in "\${nodes[@]}"; do
		answer=$(node_sql "\${entry#*=}" postgres <<< 'select pg_is_in_recovery();' 2>&1) || true
		if [ "$answer" = f ]; then
			leader_name=\${entry%%=*}
			leader_ip=\${entry#*=}
			break
		fi
		tried+=("\${entry%%=*}: $(tail -n 2 <<< "$answer" | one_line)")
	done
	if [ -z "$leader_name" ]; then
		check 'restore point' false "no PostgreSQL node answered as the leader, so no row count can be compared (\${tried[*]})"
	else
		while IFS='|' read -r name value; do
			[ -z "$name" ] || leader_setting[$name]=$value
		done < <(node_sql "$leader_ip" postgres <<< "select name, setting from pg_settings where name in ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction');" 2> /dev/null || true)
		# Each table's changes are read before the WAL switch: a change after this either is in the archived
		# WAL the restore replays, or moves the changes, and the table is then not compared. A TRUNCATE
		# counts no tuple but gives the table a new file, so its file node is part of what is compared.
		: > "$state/sample"
		sampled=0
		databases=$(node_sql "$leader_ip" postgres <<< 'select datname from pg_database where datallowconn and not datistemplate order by 1;' 2>&1) || {
			databases=''
			tried=("the leader's databases could not be listed: $(tail -n 2 <<< "$databases" | one_line)")
		}
		while IFS= read -r db; do
			[ -n "$db" ] || continue
			while IFS='|' read -r oid changes name; do
				[ -n "$oid" ] || continue
				printf '%s\t%s\t%s\t%s\n' "$db" "$oid" "$changes" "$name" >> "$state/sample"
				sampled=$(( sampled + 1 ))
			done < <(node_sql "$leader_ip" "$db" <<< "select c.oid, (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::text || '/' || c.relfilenode, format('%I.%I', n.nspname, c.relname) from pg_stat_user_tables s join pg_class c on c.oid = s.relid join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and c.relpersistence = 'p' order by c.reltuples desc, c.oid limit 5;")
		done <<< "$databases"
		# A record first, so the switch always ends a WAL file of its own (with nothing written since the last
		# switch it would end none), which must then reach the repository.
		switched=$(node_sql "$leader_ip" postgres <<< "select pg_logical_emit_message(false, 'pgha', 'restore drill'); select pg_walfile_name(lsn), lsn from pg_switch_wal() as lsn;" 2>&1) || switched=''
		switched=$(tail -n 1 <<< "$switched")
		wal=\${switched%%|*}
		switch_lsn=\${switched#*|}
		in_repository=''
		if [[ $wal =~ ^[0-9A-F]{24}$ ]]; then
			for (( i = 0; i < archive_limit; i += 2 )); do
				in_repository=$(as_postgres pgbackrest --config="$config" --stanza="$stanza" --log-level-console=off --log-level-stderr=off \
					--filter="^$wal-" repo-ls "archive/$stanza/$archive_id/\${wal:0:16}" 2> /dev/null || true)
				[ -z "$in_repository" ] || break
				sleep 2
			done
		fi
		if ! [[ $wal =~ ^[0-9A-F]{24}$ ]]; then
			check 'restore point' false "the leader $leader_name ($leader_ip) did not switch to a new WAL file: $(one_line <<< "$switched")"
		elif [ -z "$in_repository" ]; then
			archived=$(node_sql "$leader_ip" postgres <<< "select coalesce(last_archived_wal, 'none') || ', last failed: ' || coalesce(last_failed_wal, 'none') from pg_stat_archiver;" 2> /dev/null) || archived='unknown'
			check 'restore point' false "WAL file $wal of the leader $leader_name did not reach the repository within $archive_limit s (its archiver: last archived $archived); pgBackRest's log on $leader_name says why"
		elif [ -z "$databases" ]; then
			check 'restore point' false "\${tried[*]}"
		else
			sample=true
			check 'restore point' true "leader $leader_name ($leader_ip) switched WAL at $switch_lsn; $wal is in the repository; $sampled tables sampled in $(grep -c . <<< "$databases") databases"
		fi
	fi
fi

# --- restore and replay ------------------------------------------------------
restored=false
if [ "$room" = true ]; then
	begin 'restore'
	say "restore: restoring $label into $data"
	install -d -o postgres -g postgres -m 0700 "$data" "$run" "$spaces"
	# The repository is local here: pg1 becomes this directory instead of the node the config names, and
	# the restore_command the throwaway runs takes the same config and the same overrides.
	fetch="pgbackrest --config=$config --stanza=$stanza --reset-pg1-host --pg1-path=$data archive-get %f \"%p\""
	if as_postgres pgbackrest --config="$config" --stanza="$stanza" --reset-pg1-host --pg1-path="$data" --set="$label" \
		--type=default --archive-mode=off --tablespace-map-all="$spaces" --recovery-option="restore_command=$fetch" \
		--log-level-console=info restore > "$state/restore.log" 2>&1; then
		restored=true
		restore_took=$(took)
		restore_seconds=$restore_took
		check 'restore' true "backup $label restored into $data"
	else
		check 'restore' false "pgbackrest restore of $label failed: $(grep -E 'ERROR|WARN' "$state/restore.log" | tail -n 3 | one_line)"
		tail -n 20 "$state/restore.log" | quote
	fi
fi

promoted=false
if [ "$restored" = true ]; then
	begin 'replay'
	# The restored postgresql.conf is Patroni's, naming the nodes' certificates and paths: the throwaway
	# reads its own, and of postgresql.auto.conf only what pgBackRest wrote for the recovery.
	controldata=$(LC_ALL=C "$bin/pg_controldata" "$data")
	at_least() {
		local recorded live=\${leader_setting[$2]:-0}
		recorded=$(awk -F: -v key="$1 setting" '$1 == key { gsub(/ /, "", $2); print $2 }' <<< "$controldata")
		recorded=\${recorded:-0}
		echo $(( recorded > live ? recorded : live ))
	}
	{
		echo "# The restore drill's throwaway PostgreSQL (pgha): no TCP, its own socket, nothing archived."
		echo "listen_addresses = ''"
		echo "port = $port"
		echo "unix_socket_directories = '$run'"
		echo "ssl = off"
		echo "archive_mode = off"
		echo "hot_standby = on"
		echo "# At least what the leader had: recovery refuses to run a hot standby with less."
		echo "max_connections = $(at_least max_connections max_connections)"
		echo "max_worker_processes = $(at_least max_worker_processes max_worker_processes)"
		echo "max_wal_senders = $(at_least max_wal_senders max_wal_senders)"
		echo "max_prepared_transactions = $(at_least max_prepared_xacts max_prepared_transactions)"
		echo "max_locks_per_transaction = $(at_least max_locks_per_xact max_locks_per_transaction)"
		echo "shared_preload_libraries = ''"
		echo "shared_buffers = 128MB"
		echo "max_wal_size = 1GB"
		echo "hba_file = '$run/pg_hba.conf'"
		echo "ident_file = '$run/pg_ident.conf'"
		echo "logging_collector = off"
		echo "recovery_target_timeline = 'latest'"
	} > "$run/postgresql.conf"
	echo 'local all postgres peer' > "$run/pg_hba.conf"
	: > "$run/pg_ident.conf"
	grep -E '^[[:space:]]*(restore_command|archive_mode|recovery_target[a-z_]*)[[:space:]]*=' "$data/postgresql.auto.conf" > "$run/auto.conf" || true
	mv -f "$run/auto.conf" "$data/postgresql.auto.conf"
	chown postgres:postgres "$run/postgresql.conf" "$run/pg_hba.conf" "$run/pg_ident.conf" "$data/postgresql.auto.conf"
	chmod 0600 "$data/postgresql.auto.conf"
	if ! as_postgres "$bin/pg_ctl" -D "$data" -l "$run/postgresql.log" -o "-c config_file=$run/postgresql.conf" -W start > "$state/pg_ctl.log" 2>&1 9>&-; then
		check 'replay' false "pg_ctl could not start the throwaway PostgreSQL: $(tail -n 3 "$state/pg_ctl.log" | one_line)"
	else
		why=''
		seen=0
		last_note=$(date +%s)
		while :; do
			recovering=$(local_sql postgres 'select pg_is_in_recovery();' 2> /dev/null) || recovering=''
			[ "$recovering" != f ] || break
			# pg_ctl -W returns before the server wrote its pid file: it has a minute to appear.
			if pg_running; then
				seen=1
			elif [ "$seen" = 1 ] || [ "$(took)" -ge 60 ]; then
				why='PostgreSQL stopped during the replay'
				break
			fi
			# Recovery pauses when the leader's settings outgrew the throwaway's (PostgreSQL's log says which).
			if [ "$recovering" = t ] && [ "$(local_sql postgres 'select pg_get_wal_replay_pause_state();' 2> /dev/null)" = paused ]; then
				why='the replay paused (PostgreSQL says why in its log)'
				break
			fi
			if [ "$(took)" -ge "$replay_limit" ]; then
				why="the replay did not end within $replay_limit s"
				break
			fi
			if [ $(( $(date +%s) - last_note )) -ge 60 ]; then
				last_note=$(date +%s)
				say "replay: in recovery for $(took) s, at WAL $(local_sql postgres 'select pg_last_wal_replay_lsn();' 2> /dev/null || echo '(not consistent yet)')"
			fi
			sleep 2
		done
		replay_took=$(took)
		restore_seconds=$(( restore_took + replay_took ))
		if [ -n "$why" ]; then
			check 'replay' false "$why; the last lines of its log follow"
			tail -n 20 "$run/postgresql.log" | quote
		else
			# The new timeline's history file says where the archived WAL ended.
			history=$(find "$data/pg_wal" -maxdepth 1 -name '*.history' | sort | tail -n 1)
			ended=''
			timeline=''
			if [ -n "$history" ]; then
				ended=$(awk -F'\t' 'NF >= 2 { end = $2 } END { print end }' "$history")
				timeline=$(( 16#$(basename "$history" .history) ))
			fi
			if [ -n "$switch_lsn" ] && [ -n "$ended" ] && [ "$(lsn_number "$ended")" -lt "$(lsn_number "$switch_lsn")" ]; then
				check 'replay' false "the archived WAL ended at $ended, before the restore point $switch_lsn: WAL the leader archived is missing from the repository"
			else
				promoted=true
				check 'replay' true "replayed the archived WAL\${ended:+ to $ended}\${switch_lsn:+ (the restore point is $switch_lsn)} and promoted\${timeline:+ on timeline $timeline}; restore and replay took $restore_seconds s"
			fi
		fi
	fi
fi

# --- what came back: amcheck and row counts ----------------------------------
if [ "$promoted" = true ]; then
	begin 'pg_amcheck'
	databases_here=$(local_sql postgres 'select count(*) from pg_database where datallowconn;' 2> /dev/null || echo '?')
	if as_postgres "$bin/pg_amcheck" -h "$run" -p "$port" -U postgres --all --install-missing > "$state/amcheck.log" 2>&1; then
		check 'pg_amcheck' true "no corruption found in $databases_here databases"
	else
		# pg_amcheck names each damaged relation: 'heap table "db.schema.name", block ...:' or 'btree index "db.schema.name":'.
		named=$(grep -oE '(heap table|btree index) "[^"]*"' "$state/amcheck.log" | sort -u | head -n 5 | paste -sd ';' - || true)
		check 'pg_amcheck' false "\${named:-$(tail -n 3 "$state/amcheck.log" | one_line)}"
		head -n 20 "$state/amcheck.log" | quote
	fi

	if [ "$sample" = true ]; then
		begin 'row counts'
		: > "$state/counted"
		while IFS=$'\t' read -r db oid changes name; do
			restored_rows=$(local_sql "$db" "select count(*) from $name;" 2> /dev/null) || restored_rows=''
			live_rows=$(node_sql "$leader_ip" "$db" 3600 <<< "select count(*) from $name;" 2> /dev/null) || live_rows=''
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$oid" "$changes" "$name" "$restored_rows" "$live_rows" >> "$state/counted"
		done < "$state/sample"
		if [ -s "$state/counted" ]; then
			# A backend reports its changes to the statistics within seconds; wait so that a change made
			# before the counts above shows in the counters read below.
			sleep 11
		fi
		still_leader=$(node_sql "$leader_ip" postgres <<< 'select pg_is_in_recovery();' 2> /dev/null) || still_leader=''
		declare -A changes_now=()
		while IFS= read -r db; do
			oids=$(awk -F'\t' -v db="$db" '$1 == db { print $2 }' "$state/counted" | paste -sd, -)
			while IFS='|' read -r oid count; do
				[ -z "$oid" ] || changes_now[$db/$oid]=$count
			done < <(node_sql "$leader_ip" "$db" <<< "select s.relid, (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::text || '/' || c.relfilenode from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relid in ($oids);" 2> /dev/null || true)
		done < <(cut -f 1 "$state/counted" | sort -u)
		matched=0
		changed=0
		wrong=()
		while IFS=$'\t' read -r db oid changes name restored_rows live_rows; do
			if [ -z "$restored_rows" ]; then
				table "$db" "$name" '' "$live_rows" 'missing in the restore'
				wrong+=("$db $name is missing in the restore")
			elif [ "$still_leader" != f ] || [ "\${changes_now[$db/$oid]:-}" != "$changes" ] || [ -z "$live_rows" ]; then
				table "$db" "$name" "$restored_rows" "$live_rows" 'changed since the restore point, not compared'
				changed=$(( changed + 1 ))
			elif [ "$restored_rows" = "$live_rows" ]; then
				table "$db" "$name" "$restored_rows" "$live_rows" 'matches'
				matched=$(( matched + 1 ))
			else
				table "$db" "$name" "$restored_rows" "$live_rows" 'differs'
				wrong+=("$db $name has $restored_rows rows in the restore and $live_rows on the leader, and did not change since the restore point")
			fi
		done < "$state/counted"
		summary="$matched of $(grep -c . "$state/counted" || true) sampled tables match the leader; $changed changed since the restore point, not compared"
		[ "$still_leader" = f ] || summary="$summary ($leader_name is no longer the leader)"
		if [ "\${#wrong[@]}" -eq 0 ]; then
			check 'row counts' true "$summary"
		else
			check 'row counts' false "$(printf '%s; ' "\${wrong[@]}")$summary"
		fi
	fi
fi
if pg_running; then
	stop_throwaway
fi

# --- the whole repository --------------------------------------------------------
begin 'pgbackrest verify'
say "pgbackrest verify: checking every backup and WAL file of stanza $stanza"
verify_code=0
as_postgres pgbackrest --config="$config" --stanza="$stanza" --log-level-console=info --output=text --verbose verify > "$state/verify.log" 2>&1 || verify_code=$?
# pgBackRest 2.45 names each bad file on an INFO line and ends with "status: error", exiting 0 all the same.
bad=$(grep -E "P[0-9]+ +(INFO|WARN|ERROR): .*'[^']+'" "$state/verify.log" | grep -vE 'command (begin|end)' | sed -E 's/^.* (INFO|WARN|ERROR): //' | head -n 10 | paste -sd ';' - || true)
if [ "$verify_code" -ne 0 ] || grep -q '^status: error' "$state/verify.log"; then
	if [ "$verify_code" -eq 0 ]; then
		check 'pgbackrest verify' false "the repository has errors\${bad:+: $bad}"
	else
		check 'pgbackrest verify' false "pgbackrest verify failed (exit code $verify_code): $( { grep -E 'ERROR' "$state/verify.log" || true; } | tail -n 1 | sed -E 's/^.*ERROR: //')\${bad:+; $bad}"
	fi
	grep -vE 'command begin' "$state/verify.log" | tail -n 20 | quote
else
	# The summary on stdout, indented by two (the same lines in the INFO log are indented further).
	backups=$(grep -cE '^  backup: .*status: valid' "$state/verify.log" || true)
	wal=$( { grep -E '^  archiveId: ' "$state/verify.log" || true; } | { grep -oE 'total valid WAL: [0-9]+' || true; } | awk '{ n += $4 } END { print n + 0 }')
	check 'pgbackrest verify' true "$backups backup(s) and $wal WAL file(s) valid"
fi

finished=1
if write_result; then
	say "result: PASSED in $(( $(date +%s) - started )) s (restore and replay $restore_seconds s); $result"
	exit 0
fi
say "result: FAILED in $(( $(date +%s) - started )) s; $result"
exit 1
`;

import type {Answers} from '../../source/answers/schema.js';
import type {SourceRepository} from '../../source/restore/run.js';
import type {HostRun, Step, StepContext} from '../kit/step.js';
import {locations} from '../kit/locations.js';
import {waitFor} from '../kit/wait-for.js';
import {disableUnitsScript} from '../kit/service-step.js';
import {shQuote} from '../../source/transport/quote.js';
import {isPrimary, patronictl, psql} from './probes.js';

/**
 * The restore's marks on a host, one directory per restore: a re-run of the
 * same restore reads them to skip what was done (the leader restored, a
 * replica emptied), so nothing done once is undone or done twice.
 */
export const restoreMarks = (id: string) => `/var/lib/pgha/restore/${id}`;

const pgCtl = `${locations.pgBinDir}/pg_ctl`;
const dataDir = locations.pgDataDir;
const asPostgres = (command: string) => `runuser -u postgres -- ${command}`;
const hasMark = (id: string, name: string) => `test -e ${restoreMarks(id)}/${name}`;
const setMark = (id: string, name: string, content = '') => `install -d -m 700 ${restoreMarks(id)} && printf '%s\\n' ${shQuote(content)} > ${restoreMarks(id)}/${name}`;
const marked = async (ctx: StepContext, id: string, name: string) => (await ctx.run(hasMark(id, name), {quiet: true, check: false})).code === 0;
// pg_ctl status: 0 running, 3 not running, 4 no data directory; a host without PostgreSQL's packages has nothing running.
const postgresRunning = `test -x ${pgCtl} && ${asPostgres(`${pgCtl} status -D ${dataDir}`)} >/dev/null 2>&1`;
const stopPostgres = `if ${postgresRunning}; then ${asPostgres(`${pgCtl} stop -D ${dataDir} -m fast -w -t 600`)}; fi`;
// Disabled too: a host that reboots during the restore must not start Patroni on data the restore leaves behind.
const stopPatroniAndPostgres = `${disableUnitsScript(['patroni'])}; ${stopPostgres}`;

/**
 * On the primary: a commit and a WAL switch, waited for in the repository, so
 * every moment up to now is in the archive (a target time after the last
 * archived commit would otherwise be out of reach). Returns the segment.
 */
export async function archiveNow(run: HostRun): Promise<string> {
	// A commit record carries the time recovery compares a target with; a temporary table makes one without leaving anything behind.
	const segment = (await psql(run, 'begin; create temporary table pgha_restore_mark(); commit;\nselect pg_walfile_name(pg_switch_wal());')).stdout.trim();
	await waitFor(
		`WAL segment ${segment} to reach the repository (pg_stat_archiver)`,
		async () => (await psql(run, "select coalesce(last_archived_wal, '') from pg_stat_archiver;")).stdout.trim().slice(8) >= segment.slice(8),
		120_000,
	);
	return segment;
}

/** archiveNow on the running primary before anything stops; nothing to do on a host whose PostgreSQL is not the running primary. */
export function archiveNowStep(id: string): Step {
	return {
		name: 'WAL archived up to now',
		check: async ctx => (await marked(ctx, id, 'archived')) || !(await isPrimary(ctx.run).catch(() => false)),
		async apply(ctx) {
			await ctx.run(setMark(id, 'archived', await archiveNow(ctx.run)), {quiet: true});
		},
	};
}

/**
 * Patroni stopped and disabled, PostgreSQL down: no write is taken through
 * the VIP from here on, and a host that reboots during the restore does not
 * start Patroni on its old data. Done once per restore: a leader already
 * restored, or a replica already emptied, is left running.
 */
export function stopForRestoreStep(id: string): Step {
	const done = `${hasMark(id, 'promoted')} || ${hasMark(id, 'emptied')}`;
	return {
		name: 'Patroni and PostgreSQL stopped for the restore',
		check: async ctx =>
			(await ctx.run(`${done} || { ! systemctl is-active --quiet patroni && ! systemctl is-enabled --quiet patroni 2>/dev/null && ! { ${postgresRunning}; }; }`, {quiet: true, check: false})).code === 0,
		async apply(ctx) {
			await ctx.run(stopPatroniAndPostgres, {timeoutMs: 900_000});
		},
	};
}

/**
 * The cluster's keys in etcd removed (Patroni's `remove`), so Patroni takes
 * the restored data directory as the cluster's instead of waiting for a
 * leader that no longer exists. Every member is stopped by then.
 */
export function clearDcsStep(answers: Answers, id: string): Step {
	const scope = answers.cluster.name;
	return {
		name: `cluster ${scope} cleared from etcd for the restore`,
		check: ctx => marked(ctx, id, 'dcs-cleared'),
		async apply(ctx) {
			// patronictl asks for the name, a sentence, and the leader's name when a leader key is left; the answers go on stdin.
			const leader = `${patronictl} list -f json 2>/dev/null | python3 -c 'import json,sys; print(next((m["Member"] for m in json.load(sys.stdin) if m["Role"]=="Leader"), ""))' || true`;
			await ctx.run(`leader=$(${leader}); printf '%s\\n%s\\n%s\\n' ${shQuote(scope)} 'Yes I am aware' "$leader" | ${patronictl} remove ${shQuote(scope)} >/dev/null`);
			await ctx.run(setMark(id, 'dcs-cleared'), {quiet: true});
		},
	};
}

/**
 * pgBackRest restores the chosen backup into the data directory (--delta:
 * only what differs is copied), from the cluster's own repository or, for a
 * new cluster, from the source cluster's (its stanza and a config naming it).
 */
export function pgbackrestRestoreStep(id: string, label: string, options: string[], from: {stanza: string; config?: string}): Step {
	const config = from.config ? [`--config=${from.config}`] : [];
	// WAL replay fetches through the same repository; pgBackRest writes this as restore_command.
	const restoreCommand = from.config ? [`--recovery-option=restore_command=pgbackrest --config=${from.config} --stanza=${from.stanza} archive-get %f "%p"`] : [];
	return {
		name: `pgBackRest restore of backup ${label}`,
		check: ctx => marked(ctx, id, 'restored'),
		async apply(ctx) {
			await ctx.run(stopPostgres);
			const command = ['pgbackrest', ...config, `--stanza=${from.stanza}`, '--delta', '--process-max=4', '--log-level-console=info', ...options, ...restoreCommand, 'restore'].map(shQuote).join(' ');
			await ctx.run(`install -d -o postgres -g postgres -m 700 ${dataDir} && ${asPostgres(command)}`, {timeoutMs: 24 * 3_600_000});
			await ctx.run(setMark(id, 'restored'), {quiet: true});
		},
	};
}

// What pgBackRest's restore writes into postgresql.auto.conf; once promoted none may stay, or this node would stop at the old target when it next recovers as a replica.
const recoverySettings = [
	'restore_command',
	'recovery_target',
	'recovery_target_lsn',
	'recovery_target_name',
	'recovery_target_time',
	'recovery_target_xid',
	'recovery_target_inclusive',
	'recovery_target_timeline',
	'recovery_target_action',
];

/**
 * PostgreSQL replays WAL to the target and promotes, started by hand with no
 * TCP listener (no client can reach it half-way), watched until it leaves
 * recovery; then the recovery settings go and it stops cleanly, for Patroni.
 */
export function recoverStep(id: string, describe: string, options: {archive: boolean} = {archive: true}): Step {
	// Restoring into a new cluster, the new timeline's WAL must not reach the source's repository.
	const archive = options.archive ? '' : ' -c archive_mode=off';
	const log = `/var/log/postgresql/pgha-restore-${id}.log`;
	return {
		name: `recovery to ${describe}, then promotion`,
		check: ctx => marked(ctx, id, 'promoted'),
		async apply(ctx) {
			await ctx.run(stopPostgres);
			await ctx.run(
				`install -d -o postgres -g postgres -m 2775 /var/log/postgresql && ${asPostgres(
					`${pgCtl} start -D ${dataDir} -W -l ${log} -o ${shQuote(`-c listen_addresses='' -c ssl=off -c logging_collector=off${archive}`)}`,
				)}`,
			);
			let lastReport = 0;
			// waitFor takes a failing probe for "not yet"; recovery that died is final, so the probe reports it here and ends the wait.
			let stopped: string | undefined;
			// pg_ctl -W returns before the postmaster has written its pid file: "not running" counts only when seen twice, a second apart.
			let downs = 0;
			await waitFor(
				'PostgreSQL to replay WAL to the target and promote',
				async () => {
					const alive = (await ctx.run(postgresRunning, {quiet: true, check: false})).code === 0;
					downs = alive ? 0 : downs + 1;
					if (!alive && downs < 2) return false;
					if (!alive) {
						const tail = (await ctx.run(`tail -n 5 ${log}`, {quiet: true, check: false})).stdout.trim();
						const fatal = tail.split('\n').filter(line => /FATAL|PANIC|ERROR/.test(line)).at(-1) ?? tail.split('\n').at(-1);
						stopped = `PostgreSQL stopped during recovery: ${fatal ?? 'no message'} (log ${log} on ${ctx.host.name})`;
						return true;
					}
					const state = await ctx.run(`cd / && ${asPostgres('psql -X -A -t -q -c "select pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn()::text, \'\')"')}`, {quiet: true, check: false});
					if (state.code !== 0) return false;
					const [inRecovery, replayed] = state.stdout.trim().split('|');
					if (inRecovery === 'f') return true;
					if (Date.now() - lastReport > 10_000) {
						lastReport = Date.now();
						await ctx.run(`echo ${shQuote(`replaying WAL: at ${replayed}`)}`);
					}
					return false;
				},
				24 * 3_600_000,
				1_000,
			);
			if (stopped) throw new Error(stopped);
			await psql(ctx.run, `${recoverySettings.map(s => `alter system reset ${s};`).join('\n')}\ncheckpoint;`);
			await ctx.run(`${asPostgres(`${pgCtl} stop -D ${dataDir} -m fast -w -t 600`)}`);
			const timeline = (await ctx.run(`${locations.pgBinDir}/pg_controldata ${dataDir} | sed -n "s/^Latest checkpoint's TimeLineID: *//p"`, {quiet: true})).stdout.trim();
			await ctx.run(setMark(id, 'promoted', timeline), {quiet: true});
			await ctx.run(`echo ${shQuote(`promoted on timeline ${timeline}`)}`);
		},
	};
}

/**
 * A replica's data directory emptied, so Patroni re-creates it from the
 * fresh backup of the restored cluster: its old data belongs to the history
 * the restore left. The user asked for exactly this by restoring.
 */
export function emptyForRestoreStep(id: string): Step {
	return {
		name: `data directory ${dataDir} emptied for the restore`,
		check: ctx => marked(ctx, id, 'emptied'),
		async apply(ctx) {
			await ctx.run(stopPatroniAndPostgres, {timeoutMs: 900_000});
			await ctx.run(`if [ -d ${dataDir} ]; then find ${dataDir} -mindepth 1 -delete; fi`, {timeoutMs: 3_600_000});
			await ctx.run(setMark(id, 'emptied'), {quiet: true});
		},
	};
}

/** Patroni leads the restored node as a replica first and then promotes it: the restore goes on once it takes writes. */
export function acceptsWritesStep(): Step {
	return {
		name: 'the restored leader accepts writes',
		check: async ctx => isPrimary(ctx.run).catch(() => false),
		apply: ctx => waitFor('Patroni to promote the restored node', () => isPrimary(ctx.run), 300_000),
	};
}

const knownHosts = `${locations.postgresSshDir}/known_hosts`;
const knownLine = (source: SourceRepository) => `${source.port === 22 ? source.ip : `[${source.ip}]:${source.port}`} ${source.hostKey}`;

/** The pgBackRest config a new cluster's leader restores through: the source cluster's repository, remote. */
export function sourceConfigPath(source: SourceRepository): string {
	return `/etc/pgbackrest/restore-from-${source.cluster}.conf`;
}

/**
 * For a restore into a new cluster: its leader may reach the source
 * cluster's repository as postgres over SSH (its key authorised there, that
 * host's key known here) through a config of its own. Taken away again once
 * the leader is promoted.
 */
export function sourceAccessStep(source: SourceRepository, id: string): Step {
	return {
		name: `access to the repository of cluster ${source.cluster}`,
		check: async ctx => (await marked(ctx, id, 'restored')) || (await marked(ctx, id, 'source-access')),
		async apply(ctx) {
			const key = ctx.identities.get(ctx.host.name)?.userKey;
			if (!key) throw new Error(`the postgres SSH key of ${ctx.host.name} was not read; re-run the restore`);
			const content = [
				`# Managed by pgha: a restore from the repository of cluster ${source.cluster}, removed once it is done`,
				'[global]',
				`repo1-host=${source.ip}`,
				'repo1-host-user=postgres',
				...(source.port === 22 ? [] : [`repo1-host-port=${source.port}`]),
				`repo1-host-config=${source.configPath}`,
				'log-level-file=off',
				'',
				`[${source.cluster}]`,
				`pg1-path=${dataDir}`,
				`pg1-socket-path=${locations.pgSocketDir}`,
				'',
			].join('\n');
			await ctx.conn.writeFile(sourceConfigPath(source), content, 'postgres', 'postgres', 0o640);
			const line = knownLine(source);
			await ctx.run(`install -d -o postgres -g postgres -m 700 ${locations.postgresSshDir} && touch ${knownHosts} && chown postgres:postgres ${knownHosts} && chmod 600 ${knownHosts} && { grep -qxF ${shQuote(line)} ${knownHosts} || echo ${shQuote(line)} >> ${knownHosts}; }`);
			await source.authorize(key);
			await ctx.run(setMark(id, 'source-access'), {quiet: true});
		},
	};
}

/** The access sourceAccessStep gave, taken away: the key on the source repository, the config and the known host. */
export function sourceAccessRemovedStep(source: SourceRepository, id: string): Step {
	return {
		name: `access to the repository of cluster ${source.cluster} removed`,
		check: ctx => marked(ctx, id, 'source-revoked'),
		async apply(ctx) {
			const key = ctx.identities.get(ctx.host.name)?.userKey;
			if (key) await source.revoke(key);
			const line = knownLine(source);
			await ctx.run(`rm -f ${sourceConfigPath(source)}; if [ -f ${knownHosts} ]; then grep -vxF ${shQuote(line)} ${knownHosts} > ${knownHosts}.pgha || true; cat ${knownHosts}.pgha > ${knownHosts}; rm -f ${knownHosts}.pgha; fi`);
			await ctx.run(setMark(id, 'source-revoked'), {quiet: true});
		},
	};
}

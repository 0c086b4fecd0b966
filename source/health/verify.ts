import type {Answers} from '../answers/schema.js';
import {backupHost, hostsWithRole} from '../answers/hosts.js';
import {RemoteCommandError, type HostConnection} from '../transport/ssh.js';
import {shQuote} from '../transport/quote.js';
import {ports} from '../../recipes/kit/locations.js';
import {waitFor} from '../../recipes/kit/wait-for.js';
import {pgbackrest} from '../../recipes/pgbackrest/probes.js';
import {psql} from '../../recipes/postgres/probes.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {postgresTls} from '../../recipes/postgres/render.js';
import {judgeCluster, type Finding} from './judge.js';
import {observeCluster} from './observe.js';

/**
 * Runs a client command on a PostgreSQL node as the database owner, with the
 * password in a 0600 pgpass file that lives only for the command.
 */
export async function asOwner(conn: HostConnection, answers: Answers, target: string, sql: string): Promise<string> {
	const {name, owner} = answers.database;
	const pgpass = `*:*:*:${owner}:${answers.passwords.app.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`;
	const script = `set -e; f=$(mktemp); trap 'rm -f "$f"' EXIT; cat > "$f"
PGPASSFILE="$f" PGCONNECT_TIMEOUT=5 psql -X -A -t -q -v ON_ERROR_STOP=1 ${shQuote(`${target} user=${owner} dbname=${name}`)} -c ${shQuote(sql)}`;
	return (await conn.run(script, {stdin: pgpass})).stdout.trim();
}

/** Why a check failed: the error, and for a remote command its last lines of output. */
function failureEvidence(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	if (!(error instanceof RemoteCommandError)) return error.message;
	const last = `${error.result.stdout}\n${error.result.stderr}`.split('\n').filter(line => line.trim() !== '').slice(-3);
	return [error.message, ...last].join(': ');
}

/**
 * Observes and judges the cluster until every judgement holds or the time is
 * up (a replica catching up, HAProxy's checks marking a server up); returns the last judgements.
 */
export async function settledFindings(answers: Answers, connections: ReadonlyMap<string, HostConnection>, timeoutMs: number, unreachable?: ReadonlyMap<string, string>): Promise<Finding[]> {
	let findings: Finding[] = [];
	// A quarter second between looks: right after an install HAProxy marks servers up and a replica catches up within
	// moments, and a person should not wait a whole second past it.
	await waitFor('the cluster to settle', async () => {
		findings = judgeCluster(answers, await observeCluster(answers, connections, unreachable));
		return findings.every(f => f.ok);
	}, timeoutMs, 250).catch(() => undefined);
	return findings;
}

/**
 * How verify proves WAL archiving: `pgbackrest check` switches WAL and waits
 * for the segment in the repository (seconds: after any change, and in `pgha
 * verify`); the primary's archiver statistics say the same of the last
 * segment without forcing one (a run that changed nothing, or whose own full
 * backup already waited for its WAL to reach the repository).
 */
export type VerifyOptions = {archiving: 'pgbackrest-check' | 'archiver'};

/**
 * The primary's archiver: the last segment archived with no failure since,
 * or why not. Asked of every node at once; the one not in recovery answers.
 */
async function archiverEvidence(answers: Answers, connections: ReadonlyMap<string, HostConnection>): Promise<string> {
	const sql =
		"select pg_is_in_recovery(), coalesce(last_archived_wal, ''), coalesce(extract(epoch from now() - last_archived_time)::int::text, ''), coalesce(last_failed_wal, ''), " +
		"coalesce((last_failed_time >= coalesce(last_archived_time, '-infinity'))::text, 'false') from pg_stat_archiver;";
	const runOn = peerRun(connections);
	const rows = await Promise.all(
		hostsWithRole(answers, 'postgres')
			.filter(h => connections.has(h.name))
			.map(async h => ({host: h.name, out: (await psql(runOn(h.name)!, sql).catch(() => ({stdout: ''}))).stdout.trim()})),
	);
	const primary = rows.find(r => r.out.startsWith('f|'));
	if (!primary) throw new Error('no PostgreSQL node answered as the primary');
	const [, wal, ago, failedWal, failedLast] = primary.out.split('|');
	if (failedLast === 'true') throw new Error(`the last archive attempt on ${primary.host} failed (WAL ${failedWal}); pgBackRest's log on ${primary.host} (/var/log/pgbackrest) says why`);
	if (!wal) return `${primary.host} has not needed to archive a segment yet, and none failed`;
	return `${primary.host} archived ${wal} ${ago} s ago, no failure since`;
}

/**
 * Proves the cluster works end to end: the health judgements, then a write
 * through the VIP read back from a replica and pgBackRest's own check. Each
 * is reported as it ends, passed or failed, with its evidence. True when every check passed.
 */
export async function verifyCluster(
	answers: Answers,
	connections: ReadonlyMap<string, HostConnection>,
	report: (finding: Finding) => void,
	options: VerifyOptions = {archiving: 'pgbackrest-check'},
): Promise<boolean> {
	const vip = answers.network.vip;
	const node = connections.get(hostsWithRole(answers, 'postgres')[0]!.name)!;
	const repo = backupHost(answers);
	const drills: Array<{name: string; run: () => Promise<string>}> = [
		{
			name: `write through ${vip}:${ports.readWrite}, read back through ${vip}:${ports.readOnly}`,
			run: async () => {
				const marker = `verify-${Date.now()}`;
				// As an application connects: TLS, the certificate checked against the cluster CA and the VIP's name.
				const tls = `sslmode=verify-full sslrootcert=${postgresTls.ca}`;
				const primary = `host=${vip} port=${ports.readWrite} ${tls}`;
				// Right after a reload (a new password, new certificates) PgBouncer may turn the first logins away for a moment.
				let created: unknown;
				await waitFor('a login through the VIP', async () => {
					created = await asOwner(node, answers, primary, `create table if not exists pgha_verify (id bigserial primary key, note text not null, at timestamptz not null default now())`).then(
						() => undefined,
						(error: unknown) => error,
					);
					return created === undefined;
				}, 20_000, 1_000).catch(() => {
					throw created;
				});
				const id = await asOwner(node, answers, primary, `insert into pgha_verify (note) values ('${marker}') returning id`);
				let seen = '';
				await waitFor('the row to reach a replica', async () => {
					seen = await asOwner(node, answers, `host=${vip} port=${ports.readOnly} ${tls}`, `select pg_is_in_recovery() || ' ' || count(*) from pgha_verify where note = '${marker}'`);
					return seen === 'true 1';
				}, 30_000);
				return `row ${id} written on the primary, read on a replica (in recovery: ${seen.split(' ')[0]})`;
			},
		},
		...(repo && options.archiving === 'pgbackrest-check'
			? [
					{
						name: 'pgBackRest check (archiving works)',
						run: async () => {
							await connections.get(repo.name)!.run(pgbackrest(answers, 'check'), {timeoutMs: 300_000});
							return 'archive-push and backup configuration verified';
						},
					},
				]
			: []),
		...(repo && options.archiving === 'archiver'
			? [
					{
						name: 'WAL archiving works (the primary archiver)',
						run: async () => archiverEvidence(answers, connections),
					},
				]
			: []),
	];
	// Every check at once (they wait on different hosts); reported in a fixed order, each as soon as those before it are.
	const outcomes = drills.map(drill =>
		drill.run().then(
			(evidence): Finding => ({name: drill.name, ok: true, evidence}),
			(error: unknown): Finding => ({name: drill.name, ok: false, evidence: failureEvidence(error)}),
		),
	);
	let ok = true;
	for (const f of await settledFindings(answers, connections, 60_000)) {
		ok &&= f.ok;
		report(f);
	}
	for (const outcome of outcomes) {
		const f = await outcome;
		ok &&= f.ok;
		report(f);
	}
	return ok;
}

import pg from 'pg';

/** Where writers connect: the VIP's read-write port, as an application does (TLS, the certificate checked against the cluster CA). */
export type WriteTarget = {host: string; port: number; user: string; password: string; database: string; ca: string};

/** One commit the server acknowledged: which writer, its sequence number, and when the acknowledgement arrived (ms since the epoch). */
export type Commit = {writer: number; seq: number; at: number};

/** One statement that did not come back acknowledged. */
export type WriteFailure = {writer: number; issued: number; at: number; message: string};

/** Everything the writers saw, in the order it happened. */
export type WriterLog = {startedAt: number; stoppedAt: number; commits: Commit[]; failures: WriteFailure[]};

/**
 * Where writers record their rows: one row per commit, named by the run, the
 * writer and its sequence number. Real rows, because only a commit that wrote
 * something waits for a synchronous replica.
 */
export type WriteMode = {table: string; run: string};

const connectTimeoutMs = 2_000;
// Longer than any commit a healthy primary takes, short enough that a dead server is noticed.
const statementTimeoutMs = 4_000;
const retryPauseMs = 100;

function client(target: WriteTarget): pg.Client {
	return new pg.Client({
		host: target.host,
		port: target.port,
		user: target.user,
		password: target.password,
		database: target.database,
		connectionTimeoutMillis: connectTimeoutMs,
		query_timeout: statementTimeoutMs,
		// verify-full: the VIP must be named in the certificate, signed by the cluster CA.
		ssl: {ca: target.ca, rejectUnauthorized: true},
		application_name: 'pgha-drill',
	});
}

/**
 * Starts `count` writers through the target, each committing one small
 * transaction after another and recording every acknowledgement; a failed
 * statement drops the connection and the writer reconnects. stop() ends them
 * and hands back what they saw; lastCommitAt() tells, meanwhile, when the
 * latest acknowledgement arrived.
 */
export function startWriters(target: WriteTarget, mode: WriteMode, count: number): {stop: () => Promise<WriterLog>; lastCommitAt: () => number} {
	const log: WriterLog = {startedAt: Date.now(), stoppedAt: 0, commits: [], failures: []};
	let stopping = false;
	const sql = `insert into ${mode.table} (run, writer, seq) values ($1, $2, $3)`;
	const writer = async (id: number) => {
		let conn: pg.Client | undefined;
		let seq = 0;
		while (!stopping) {
			const issued = Date.now();
			try {
				if (!conn) {
					const fresh = client(target);
					// A server that goes away between statements surfaces here; the next query reports it.
					fresh.on('error', () => undefined);
					conn = fresh;
					await fresh.connect();
				}
				seq += 1;
				await conn.query(sql, [mode.run, id, seq]);
				log.commits.push({writer: id, seq, at: Date.now()});
			} catch (error) {
				if (stopping) break;
				log.failures.push({writer: id, issued, at: Date.now(), message: error instanceof Error ? error.message : String(error)});
				const broken = conn;
				conn = undefined;
				void broken?.end().catch(() => undefined);
				await new Promise(resolve => setTimeout(resolve, retryPauseMs));
			}
		}
		await conn?.end().catch(() => undefined);
	};
	const running = Array.from({length: count}, (_, i) => writer(i + 1));
	return {
		lastCommitAt: () => log.commits.at(-1)?.at ?? 0,
		async stop() {
			stopping = true;
			await Promise.all(running);
			log.stoppedAt = Date.now();
			return log;
		},
	};
}

/** Runs one statement through the target on a connection of its own; the drill's setup, count and clean-up. */
export async function runStatement<T extends pg.QueryResultRow = pg.QueryResultRow>(target: WriteTarget, sql: string, values: unknown[] = []): Promise<T[]> {
	const conn = client(target);
	conn.on('error', () => undefined);
	await conn.connect();
	try {
		return (await conn.query<T>(sql, values)).rows;
	} finally {
		await conn.end().catch(() => undefined);
	}
}

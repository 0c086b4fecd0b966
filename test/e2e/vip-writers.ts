import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import pg from 'pg';
import type {LabAnswers} from './helpers.js';

/** A statement (or the connection it needed) that failed: when it was issued, when it failed, and why. */
export type WriterFailure = {issued: number; at: number; error: string};

/** What the test's own writers saw: each acknowledged row and each failed statement, with times. */
export type WriterRecord = {commits: Array<{writer: number; seq: number; at: number}>; failures: WriterFailure[]};

/** The cluster CA a client checks the VIP with, from a pgha home. */
export function clusterCa(home: string, cluster: string): string {
	return readFileSync(join(home, 'clusters', `${cluster}.keys`, 'ca.crt'), 'utf8');
}

function connect(answers: LabAnswers, ca: string): pg.Client {
	const client = new pg.Client({
		host: answers.network.vip,
		port: 5000,
		user: answers.database?.owner ?? 'aplicacion',
		password: answers.passwords['app'],
		database: answers.database?.name ?? 'aplicacion',
		connectionTimeoutMillis: 2_000,
		query_timeout: 4_000,
		ssl: {ca, rejectUnauthorized: true},
	});
	client.on('error', () => undefined);
	return client;
}

/** Runs one statement through VIP:5000 on its own connection; a failure is reported with the statement. */
export async function viaVip<T extends pg.QueryResultRow>(answers: LabAnswers, ca: string, sql: string, values: unknown[] = []): Promise<T[]> {
	const client = connect(answers, ca);
	try {
		await client.connect();
		return (await client.query<T>(sql, values)).rows;
	} catch (error) {
		throw new Error(`${sql} through ${answers.network.vip}:5000: ${error instanceof Error ? error.message : String(error)}`);
	} finally {
		await client.end().catch(() => undefined);
	}
}

/**
 * The test's own writers through VIP:5000, written apart from pgha's so they
 * can check its figures: each inserts numbered rows into `table` and records
 * every acknowledgement and every failure.
 */
export async function startVipWriters(answers: LabAnswers, ca: string, table: string, count: number): Promise<{stop: () => Promise<WriterRecord>; lastAck: () => number}> {
	// A table an earlier, interrupted run left would hold these very keys.
	await viaVip(answers, ca, `drop table if exists ${table}`);
	await viaVip(answers, ca, `create table ${table} (writer int, seq int, primary key (writer, seq))`);
	const record: WriterRecord = {commits: [], failures: []};
	let stopping = false;
	const one = async (writer: number) => {
		let client: pg.Client | undefined;
		let seq = 0;
		while (!stopping) {
			const issued = Date.now();
			try {
				if (!client) {
					client = connect(answers, ca);
					await client.connect();
				}
				seq += 1;
				await client.query(`insert into ${table} values ($1, $2)`, [writer, seq]);
				record.commits.push({writer, seq, at: Date.now()});
			} catch (error) {
				if (stopping) break;
				record.failures.push({issued, at: Date.now(), error: error instanceof Error ? error.message : String(error)});
				void client?.end().catch(() => undefined);
				client = undefined;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
		}
		await client?.end().catch(() => undefined);
	};
	const running = Array.from({length: count}, (_, i) => one(i + 1));
	return {
		lastAck: () => record.commits.at(-1)?.at ?? 0,
		stop: async () => {
			stopping = true;
			await Promise.all(running);
			return record;
		},
	};
}

/** The longest stretch without an acknowledged write, and its ends (ms since the epoch). */
export function longestGap(record: WriterRecord, after = 0): {from: number; to: number; ms: number} {
	const times = record.commits.map(c => c.at).sort((a, b) => a - b);
	const last = times.filter(t => t <= after).at(-1);
	const rest = [...(last !== undefined ? [last] : []), ...times.filter(t => t > after)];
	let best = {from: 0, to: 0, ms: 0};
	for (let i = 1; i < rest.length; i++) if (rest[i]! - rest[i - 1]! > best.ms) best = {from: rest[i - 1]!, to: rest[i]!, ms: rest[i]! - rest[i - 1]!};
	return best;
}

/**
 * The failures that were not in flight during a pause (with half a second
 * either side), as readable lines. A statement issued inside the pause may
 * time out after it ended: that failure is the pause's.
 */
export function failuresOutside(record: WriterRecord, pause: {from: number; to: number}): string[] {
	return record.failures
		.filter(f => f.at < pause.from - 500 || f.issued > pause.to + 500)
		.map(f => `issued at ${f.issued}, failed at ${f.at} (${f.error}), outside the pause ${pause.from}..${pause.to}`);
}

/** Acknowledged rows the table no longer holds. */
export async function lostRows(answers: LabAnswers, ca: string, table: string, record: WriterRecord): Promise<number> {
	const rows = await viaVip<{writer: number; seq: number}>(answers, ca, `select writer, seq from ${table}`);
	const held = new Set(rows.map(r => `${r.writer}:${r.seq}`));
	return record.commits.filter(c => !held.has(`${c.writer}:${c.seq}`)).length;
}

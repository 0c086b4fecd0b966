import {createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto';
import type {Answers} from '../../source/answers/schema.js';
import type {ClusterKeys} from '../../source/keys/cluster-keys.js';

/** PostgreSQL's default SCRAM iteration count. */
export const scramIterations = 4096;

const hmac = (key: Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();


/**
 * A PostgreSQL SCRAM-SHA-256 verifier (RFC 5802, RFC 7677), in the form
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` that
 * `ALTER ROLE ... PASSWORD` stores as is and PgBouncer's auth_file accepts.
 * The password is used as its UTF-8 bytes: that equals SASLprep for ASCII,
 * which is why the schema keeps the application password to printable ASCII.
 */
export function scramSha256Verifier(password: string, salt: Buffer, iterations = scramIterations): string {
	const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
	const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
	const serverKey = hmac(salted, 'Server Key');
	return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The parts of a stored SCRAM-SHA-256 verifier. */
export type ScramVerifier = {iterations: number; salt: Buffer; storedKey: Buffer; serverKey: Buffer};

/** Reads `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`; undefined for anything else (an md5 hash, no password). */
export function parseScramVerifier(text: string): ScramVerifier | undefined {
	const match = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(text.trim());
	if (!match) return undefined;
	const iterations = Number(match[1]);
	const [salt, storedKey, serverKey] = [match[2]!, match[3]!, match[4]!].map(part => Buffer.from(part, 'base64'));
	if (!(iterations > 0) || storedKey!.length !== 32 || serverKey!.length !== 32) return undefined;
	return {iterations, salt: salt!, storedKey: storedKey!, serverKey: serverKey!};
}

/**
 * True when a stored verifier was made from this password: its own salt and
 * iteration count are used again, so no salt needs to be known beforehand.
 */
export function verifierMatches(stored: string, password: string): boolean {
	const parsed = parseScramVerifier(stored);
	if (!parsed) return false;
	const again = parseScramVerifier(scramSha256Verifier(password, parsed.salt, parsed.iterations))!;
	return timingSafeEqual(again.storedKey, parsed.storedKey) && timingSafeEqual(again.serverKey, parsed.serverKey);
}

/** A verifier with a fresh random salt, as PostgreSQL makes when it is given the password itself. */
export function freshVerifier(password: string): string {
	return scramSha256Verifier(password, randomBytes(16));
}

/**
 * The verifier of the database owner. PgBouncer's userlist holds it and the
 * install sets the role's password to this same text, so PgBouncer can log in
 * to PostgreSQL with the keys the client proved. Its salt is random, made once
 * and kept with the cluster's keys: a guess at the password costs the full
 * 4096 rounds, and rendering stays pure because the salt is an input.
 */
export function databaseOwnerVerifier(answers: Answers, keys: ClusterKeys): string {
	const {owner} = answers.database;
	const salt = keys.scramSalts[owner];
	if (!salt) throw new Error(`no SCRAM salt was prepared for ${owner}`);
	return scramSha256Verifier(answers.passwords.app, Buffer.from(salt, 'base64'));
}

import {createHash, createHmac, pbkdf2Sync} from 'node:crypto';
import type {Answers} from '../../source/answers/schema.js';

/** PostgreSQL's default SCRAM iteration count. */
export const scramIterations = 4096;

const hmac = (key: Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();

/**
 * A salt derived from the password and where it is used, so rendering stays a
 * pure function: the same answers always give the same verifier, and the same
 * password gets a different salt in another cluster or for another user.
 */
export function deterministicSalt(password: string, cluster: string, user: string): Buffer {
	return hmac(Buffer.from(password, 'utf8'), `pgha:${cluster}:${user}`).subarray(0, 16);
}

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

/**
 * The verifier of the database owner. PgBouncer's userlist holds it and the
 * install sets the role's password to this same text, so PgBouncer can log in
 * to PostgreSQL with the keys the client proved.
 */
export function databaseOwnerVerifier(answers: Answers): string {
	const {owner} = answers.database;
	const password = answers.passwords.app;
	return scramSha256Verifier(password, deterministicSalt(password, answers.cluster.name, owner));
}

import {createHash, createHmac} from 'node:crypto';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {databaseOwnerVerifier, scramSha256Verifier} from '../../../recipes/postgres/scram.js';
import {prepareKeys} from '../../../source/keys/store.js';
import {answersFrom, example, exampleRaw} from '../../answers/fixtures.js';
import {clusterKeys} from '../../keys/fixtures.js';

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

describe('scramSha256Verifier', () => {
	// RFC 7677 section 3: user "user", password "pencil". The RFC gives the proofs
	// of one exchange; recomputing them from our keys checks StoredKey and ServerKey.
	it('matches the RFC 7677 example exchange', () => {
		const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
		const verifier = scramSha256Verifier('pencil', salt);
		const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
		expect(match).not.toBeNull();
		const [, saltB64, storedB64, serverB64] = match!;
		expect(saltB64).toBe('W22ZaJ0SNY7soEsUEjb6gQ==');
		const authMessage = [
			'n=user,r=rOprNGfwEbeRWgbNEkqO',
			'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
			'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
		].join(',');
		const serverSignature = hmac(Buffer.from(serverB64!, 'base64'), authMessage);
		expect(serverSignature.toString('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
		// ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage); the server checks SHA256(ClientKey) = StoredKey.
		const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
		const clientSignature = hmac(Buffer.from(storedB64!, 'base64'), authMessage);
		const clientKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]!));
		expect(createHash('sha256').update(clientKey).digest('base64')).toBe(storedB64);
	});
});

describe('databaseOwnerVerifier', () => {
	it('is stable for the same answers and keys and never contains the password', async () => {
		const answers = example('seed-topology');
		const keys = await clusterKeys(answers);
		const verifier = databaseOwnerVerifier(answers, keys);
		expect(verifier).toBe(databaseOwnerVerifier(example('seed-topology'), keys));
		expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
		expect(verifier).not.toContain(answers.passwords.app);
	});

	it('salts with the 16 random bytes kept for the owner', async () => {
		const answers = example('seed-topology');
		const keys = await clusterKeys(answers);
		const salt = keys.scramSalts['aplicacion']!;
		expect(Buffer.from(salt, 'base64')).toHaveLength(16);
		expect(databaseOwnerVerifier(answers, keys)).toBe(scramSha256Verifier(answers.passwords.app, Buffer.from(salt, 'base64')));
		const other = {...keys, scramSalts: {aplicacion: Buffer.alloc(16, 7).toString('base64')}};
		expect(databaseOwnerVerifier(answers, other)).not.toBe(databaseOwnerVerifier(answers, keys));
	});

	it('refuses to make a verifier without a salt for the owner', async () => {
		const answers = example('seed-topology');
		const keys = await clusterKeys(answers);
		expect(() => databaseOwnerVerifier(answers, {...keys, scramSalts: {someone_else: keys.scramSalts['aplicacion']!}})).toThrow(/no SCRAM salt was prepared for aplicacion/);
	});

	it('gives two clusters with the same owner and password different verifiers', async () => {
		const home = mkdtempSync(join(tmpdir(), 'pgha-scram-'));
		try {
			const env = {PGHA_HOME: home};
			const first = example('compact');
			const raw = exampleRaw('compact');
			raw['cluster'] = {name: 'compact-two', postgresVersion: 15};
			const second = answersFrom(raw);
			expect(second.passwords.app).toBe(first.passwords.app);
			const a = await prepareKeys(first, env, {});
			const b = await prepareKeys(second, env, {});
			expect(a.keys.scramSalts['aplicacion']).not.toBe(b.keys.scramSalts['aplicacion']);
			expect(databaseOwnerVerifier(first, a.keys)).not.toBe(databaseOwnerVerifier(second, b.keys));
			expect(readdirSync(home)).toEqual([]);
		} finally {
			rmSync(home, {recursive: true, force: true});
		}
	});
});

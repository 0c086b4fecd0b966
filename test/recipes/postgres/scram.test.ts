import {createHash, createHmac} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {databaseOwnerVerifier, deterministicSalt, scramSha256Verifier} from '../../../recipes/postgres/scram.js';
import {example} from '../../answers/fixtures.js';

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

	it('uses 16 bytes of salt that depend on password, cluster and user', () => {
		const salt = deterministicSalt('Some-Password-1', 'produccion', 'aplicacion');
		expect(salt).toHaveLength(16);
		expect(deterministicSalt('Some-Password-1', 'produccion', 'aplicacion').equals(salt)).toBe(true);
		expect(deterministicSalt('Some-Password-1', 'other', 'aplicacion').equals(salt)).toBe(false);
		expect(deterministicSalt('Some-Password-1', 'produccion', 'other').equals(salt)).toBe(false);
		expect(deterministicSalt('Some-Password-2', 'produccion', 'aplicacion').equals(salt)).toBe(false);
	});
});

describe('databaseOwnerVerifier', () => {
	it('is stable for the same answers and never contains the password', () => {
		const answers = example('seed-topology');
		const verifier = databaseOwnerVerifier(answers);
		expect(verifier).toBe(databaseOwnerVerifier(example('seed-topology')));
		expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
		expect(verifier).not.toContain(answers.passwords.app);
	});
});

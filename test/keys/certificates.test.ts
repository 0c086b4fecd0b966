import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {certificateProblems, createCa, issueCertificate, keyMatches, readCertificate, signedBy, type KeyPair} from '../../source/keys/certificates.js';
import {findTool, run} from '../recipes/tool-helpers.js';
import {skipOrFail} from '../strict.js';
import {opensslCa} from './fixtures.js';

const day = 24 * 60 * 60 * 1000;
const names = {dns: ['node1'], ips: ['10.20.0.11', '10.20.0.100']};
const openssl = findTool('openssl');

let ca: KeyPair;
let host: KeyPair;
let dir: string;
beforeAll(async () => {
	ca = await createCa('compact');
	host = await issueCertificate(ca, 'node1', names, 730);
	dir = mkdtempSync(join(tmpdir(), 'pgha-certificates-'));
});
afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('createCa and issueCertificate', () => {
	it('make a host certificate that openssl verifies against its CA, for serving and as a client', async ctx => {
		if (!openssl) return skipOrFail(ctx, 'openssl is not installed here (apt-get install openssl)');
		writeFileSync(join(dir, 'ca.crt'), ca.cert);
		writeFileSync(join(dir, 'host.crt'), host.cert);
		for (const purpose of ['sslserver', 'sslclient']) {
			const result = await run(openssl, ['verify', '-purpose', purpose, '-CAfile', join(dir, 'ca.crt'), join(dir, 'host.crt')]);
			expect(result.stdout + result.stderr, purpose).toBe(`${join(dir, 'host.crt')}: OK\n`);
		}
		// The check has teeth: another CA's certificate is refused.
		writeFileSync(join(dir, 'other.crt'), (await issueCertificate(await createCa('other'), 'node1', names, 730)).cert);
		const other = await run(openssl, ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'other.crt')]);
		expect(other.code).not.toBe(0);
	});

	it('name the host and its addresses, and read back subject, issuer and expiry', () => {
		const facts = readCertificate(host.cert);
		expect(facts).toMatchObject({subject: 'CN=node1', issuer: 'CN=pgha compact cluster CA', names, selfSigned: false});
		expect(Math.round((facts.notAfter.getTime() - Date.now()) / day)).toBe(730);
		const caFacts = readCertificate(ca.cert);
		expect(caFacts).toMatchObject({subject: 'CN=pgha compact cluster CA', selfSigned: true, names: {dns: [], ips: []}});
		expect(Math.round((caFacts.notAfter.getTime() - Date.now()) / day)).toBe(3650);
	});

	it('write PEM text that ends in a newline, each block on its own lines', () => {
		for (const pem of [ca.cert, ca.key, host.cert, host.key]) expect(pem).toMatch(/^-----BEGIN [A-Z ]+-----\n[\s\S]+\n-----END [A-Z ]+-----\n$/);
	});

	it('sign with an operator\'s RSA CA, which openssl then verifies', async ctx => {
		const own = await opensslCa(dir, openssl);
		if (!own) return skipOrFail(ctx, 'openssl is not installed here (apt-get install openssl)');
		const issued = await issueCertificate({cert: own.cert, key: readFileSync(own.keyFile, 'utf8')}, 'node1', names, 30);
		expect(readCertificate(issued.cert).issuer).toBe('CN=Company Root CA');
		expect(await signedBy(issued.cert, own.cert)).toBe(true);
		writeFileSync(join(dir, 'rsa-issued.crt'), issued.cert);
		const result = await run(openssl!, ['verify', '-CAfile', own.certFile, join(dir, 'rsa-issued.crt')]);
		expect(result.stdout + result.stderr).toBe(`${join(dir, 'rsa-issued.crt')}: OK\n`);
		// The signature is checked, not just the issuer's name: another RSA key cannot pass for the CA.
		const {generateKeyPairSync} = await import('node:crypto');
		const otherKey = generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey.export({type: 'pkcs8', format: 'pem'}) as string;
		const forged = await issueCertificate({cert: own.cert, key: otherKey}, 'node1', names, 30);
		expect(readCertificate(forged.cert).issuer).toBe('CN=Company Root CA');
		expect(await signedBy(forged.cert, own.cert)).toBe(false);
	});

	it('refuse a signing key of a kind they cannot use', async () => {
		const {generateKeyPairSync} = await import('node:crypto');
		const ed = generateKeyPairSync('ed25519').privateKey.export({type: 'pkcs8', format: 'pem'}) as string;
		await expect(issueCertificate({cert: ca.cert, key: ed}, 'node1', names, 30)).rejects.toThrow(/the CA key is ed25519; use an RSA or EC key/);
	});
});

describe('certificateProblems', () => {
	it('finds none in a fresh certificate from the CA', async () => {
		expect(await certificateProblems(host.cert, ca.cert, names, 30)).toEqual([]);
	});

	it('names a self-signed certificate', async () => {
		const problems = await certificateProblems((await createCa('compact')).cert, ca.cert, {dns: [], ips: []}, 30);
		expect(problems).toEqual(['is self-signed, not signed by the cluster CA']);
	});

	it('names a certificate from another CA, with its issuer', async () => {
		const foreign = await issueCertificate(await createCa('elsewhere'), 'node1', names, 730);
		expect(await certificateProblems(foreign.cert, ca.cert, names, 30)).toEqual(['was not signed by the cluster CA (issuer CN=pgha elsewhere cluster CA)']);
	});

	it('names what the certificate does not name, and what it does', async () => {
		const problems = await certificateProblems(host.cert, ca.cert, {dns: ['node1', 'node9'], ips: ['10.20.0.11', '10.20.0.99']}, 30);
		expect(problems).toEqual(['does not name node9, 10.20.0.99 (it names node1, 10.20.0.11, 10.20.0.100)']);
	});

	it('names one expiring in 10 days, and one expired', async () => {
		const short = await issueCertificate(ca, 'node1', names, 10);
		const problems = await certificateProblems(short.cert, ca.cert, names, 30);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(/^expires on \d{4}-\d\d-\d\d, in (9|10) day\(s\)$/);
		expect(await certificateProblems(short.cert, ca.cert, names, 5)).toEqual([]);
		const later = new Date(Date.now() + 11 * day);
		expect(await certificateProblems(short.cert, ca.cert, names, 30, later)).toEqual([`expired on ${readCertificate(short.cert).notAfter.toISOString().slice(0, 10)}`]);
	});

	it('says when the text is no certificate at all', async () => {
		expect(await certificateProblems('not a certificate', ca.cert, names, 30)).toEqual(['is not a certificate']);
	});
});

describe('keyMatches', () => {
	it('is true for the key a certificate was issued for, false for another or for garbage', async () => {
		expect(await keyMatches(host.cert, host.key)).toBe(true);
		expect(await keyMatches(host.cert, ca.key)).toBe(false);
		expect(await keyMatches(host.cert, 'garbage')).toBe(false);
	});
});

import {createPrivateKey, webcrypto, X509Certificate} from 'node:crypto';

/** @peculiar/x509, loaded when a certificate is made: reading and checking one needs only Node's own. */
async function peculiar(): Promise<typeof import('@peculiar/x509')> {
	await import('reflect-metadata');
	const loaded = await import('@peculiar/x509');
	// In the bundle the package's CommonJS build arrives as the namespace's default export.
	const x509 = 'cryptoProvider' in loaded ? loaded : (loaded as unknown as {default: typeof loaded}).default;
	x509.cryptoProvider.set(webcrypto as unknown as Crypto);
	return x509;
}

const ecdsa = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const;
const day = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export type KeyPair = {cert: string; key: string};

/** What a host's certificate must name: its host name and addresses. */
export type CertificateNames = {dns: string[]; ips: string[]};

/** What pgha reads off a certificate to judge it. */
export type CertificateFacts = {subject: string; issuer: string; names: CertificateNames; notAfter: Date; selfSigned: boolean};

// PEM text ends with a newline, so files that join a certificate and a key (HAProxy's) stay valid.
const lined = (pem: string) => (pem.endsWith('\n') ? pem : `${pem}\n`);

async function exportKey(key: CryptoKey): Promise<string> {
	const x509 = await peculiar();
	return lined(x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey), 'PRIVATE KEY'));
}

/** Imports a PEM private key of any kind Node reads (an operator's CA may be RSA or EC). */
async function importSigningKey(pem: string): Promise<{key: CryptoKey; algorithm: Algorithm | EcdsaParams}> {
	const object = createPrivateKey(pem);
	const der = object.export({type: 'pkcs8', format: 'der'});
	if (object.asymmetricKeyType === 'rsa') {
		const algorithm = {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'};
		return {key: (await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign'])) as CryptoKey, algorithm};
	}
	if (object.asymmetricKeyType === 'ec') {
		const curve = {prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521'}[object.asymmetricKeyDetails?.namedCurve ?? ''];
		if (!curve) throw new Error(`the CA key uses curve ${object.asymmetricKeyDetails?.namedCurve}; use P-256, P-384 or P-521`);
		const key = await webcrypto.subtle.importKey('pkcs8', der, {name: 'ECDSA', namedCurve: curve}, false, ['sign']);
		return {key: key as CryptoKey, algorithm: {name: 'ECDSA', hash: curve === 'P-256' ? 'SHA-256' : curve === 'P-384' ? 'SHA-384' : 'SHA-512'}};
	}
	throw new Error(`the CA key is ${object.asymmetricKeyType}; use an RSA or EC key`);
}

const newKeys = async () => (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;

/** A new certificate authority for one cluster (ECDSA P-256, ten years). */
export async function createCa(cluster: string, now = new Date()): Promise<KeyPair> {
	const x509 = await peculiar();
	const keys = await newKeys();
	const cert = await x509.X509CertificateGenerator.createSelfSigned({
		name: `CN=pgha ${cluster} cluster CA`,
		notBefore: new Date(now.getTime() - day),
		notAfter: new Date(now.getTime() + 3650 * day),
		keys,
		signingAlgorithm: ecdsa,
		extensions: [
			new x509.BasicConstraintsExtension(true, 0, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
			await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
		],
	});
	return {cert: lined(cert.toString('pem')), key: await exportKey(keys.privateKey)};
}

/**
 * A certificate for one host, signed by the cluster CA: good for serving
 * (etcd, Patroni, PostgreSQL, PgBouncer, HAProxy) and as a client (etcd peers,
 * Patroni to etcd), naming the host and every address it serves on.
 */
export async function issueCertificate(ca: KeyPair, subject: string, names: CertificateNames, validDays: number, now = new Date()): Promise<KeyPair> {
	const x509 = await peculiar();
	const keys = await newKeys();
	const caCert = new x509.X509Certificate(ca.cert);
	const signing = await importSigningKey(ca.key);
	const cert = await x509.X509CertificateGenerator.create({
		subject: `CN=${subject}`,
		issuer: caCert.subject,
		notBefore: new Date(now.getTime() - 60 * 60 * 1000),
		notAfter: new Date(now.getTime() + validDays * day),
		publicKey: keys.publicKey,
		signingKey: signing.key,
		signingAlgorithm: signing.algorithm,
		extensions: [
			new x509.BasicConstraintsExtension(false, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
			new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
			new x509.SubjectAlternativeNameExtension([...names.dns.map(value => ({type: 'dns' as const, value})), ...names.ips.map(value => ({type: 'ip' as const, value}))]),
			await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
			await x509.AuthorityKeyIdentifierExtension.create(caCert),
		],
	});
	return {cert: lined(cert.toString('pem')), key: await exportKey(keys.privateKey)};
}

// Node's own X.509 (OpenSSL) reads and checks what pgha already has; the ASN.1 in JavaScript, which took a fifth of a
// no-op run's CPU here, is only needed to make certificates. OpenSSL writes a multi-valued name one attribute per line.
const distinguished = (name: string) => name.split('\n').join(', ');

/** Names in a subjectAltName as OpenSSL prints it: `DNS:a, IP Address:10.0.0.1`. */
function altNames(text: string | undefined): CertificateNames {
	const entries = (text ?? '').split(', ').filter(entry => entry !== '');
	const of = (prefix: string) => entries.filter(entry => entry.startsWith(prefix)).map(entry => entry.slice(prefix.length));
	return {dns: of('DNS:'), ips: of('IP Address:')};
}

/** The names, subject and expiry of a PEM certificate; throws on text that is not one. */
export function readCertificate(pem: string): CertificateFacts {
	const cert = new X509Certificate(pem);
	const subject = distinguished(cert.subject);
	const issuer = distinguished(cert.issuer);
	return {subject, issuer, names: altNames(cert.subjectAltName), notAfter: new Date(cert.validTo), selfSigned: subject === issuer};
}

/** True when the certificate was signed by this CA's key. */
export async function signedBy(pem: string, caPem: string): Promise<boolean> {
	try {
		const cert = new X509Certificate(pem);
		const ca = new X509Certificate(caPem);
		return cert.checkIssued(ca) && cert.verify(ca.publicKey);
	} catch {
		return false;
	}
}

/** True when the private key is the one the certificate was issued for. */
export async function keyMatches(certPem: string, keyPem: string): Promise<boolean> {
	try {
		return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
	} catch {
		return false;
	}
}

/**
 * Why a certificate is not what the cluster needs, or [] when it is: not
 * signed by the CA, missing a name, or expiring within `renewDays`.
 */
export async function certificateProblems(pem: string, caPem: string, names: CertificateNames, renewDays: number, now = new Date()): Promise<string[]> {
	let facts: CertificateFacts;
	try {
		facts = readCertificate(pem);
	} catch {
		return ['is not a certificate'];
	}
	const problems: string[] = [];
	if (!(await signedBy(pem, caPem))) problems.push(facts.selfSigned ? 'is self-signed, not signed by the cluster CA' : `was not signed by the cluster CA (issuer ${facts.issuer})`);
	const missing = [...names.dns.filter(n => !facts.names.dns.includes(n)), ...names.ips.filter(n => !facts.names.ips.includes(n))];
	if (missing.length > 0) problems.push(`does not name ${missing.join(', ')} (it names ${[...facts.names.dns, ...facts.names.ips].join(', ') || 'nothing'})`);
	const daysLeft = Math.floor((facts.notAfter.getTime() - now.getTime()) / day);
	if (daysLeft < 0) problems.push(`expired on ${facts.notAfter.toISOString().slice(0, 10)}`);
	else if (daysLeft < renewDays) problems.push(`expires on ${facts.notAfter.toISOString().slice(0, 10)}, in ${daysLeft} day(s)`);
	return problems;
}

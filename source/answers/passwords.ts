import {randomInt} from 'node:crypto';

/** A source of uniform random integers in [0, max); tests pass a seeded one. */
export type RandomInt = (max: number) => number;

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** length characters of [A-Za-z0-9], with at least one of each class. */
export function alphanumericSecret(length: number, random: RandomInt = randomInt): string {
	for (;;) {
		let out = '';
		for (let i = 0; i < length; i++) out += alphanumeric[random(alphanumeric.length)];
		if (/[a-z]/.test(out) && /[A-Z]/.test(out) && /[0-9]/.test(out)) return out;
	}
}

// A hyphen survives YAML, INI, keepalived and libpq unquoted, and inside
// (never first or last) it cannot be read as an option or trimmed away.
/** length alphanumeric characters with one '-' inside them. */
export function passwordWithSymbol(length: number, random: RandomInt = randomInt): string {
	const base = alphanumericSecret(length, random);
	const at = 1 + random(length - 1);
	return `${base.slice(0, at)}-${base.slice(at)}`;
}

/** Every secret of an answer file, generated fresh. */
export type GeneratedPasswords = {
	superuser: string;
	replication: string;
	app: string;
	patroniApi: string;
	vrrp: string;
	backupCipher: string;
	haproxyStats: string;
};

/** Strong passwords for every secret of the answer file; vrrp is 8 characters (Keepalived reads no more). */
export function generatePasswords(random: RandomInt = randomInt): GeneratedPasswords {
	return {
		superuser: passwordWithSymbol(24, random),
		replication: passwordWithSymbol(24, random),
		app: passwordWithSymbol(24, random),
		patroniApi: passwordWithSymbol(24, random),
		vrrp: alphanumericSecret(8, random),
		backupCipher: passwordWithSymbol(48, random),
		haproxyStats: passwordWithSymbol(24, random),
	};
}

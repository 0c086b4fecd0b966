import {readFile} from 'node:fs/promises';

/** The Debian archives the machine itself uses; the lab's package cache and package bundles fetch from them. */
export type Mirrors = {
	/** Serves bookworm and bookworm-updates. */
	debian: string;
	/** Serves bookworm-security, when the machine names one. */
	security?: string;
};

const fallback = 'http://deb.debian.org/debian/';

/** A URI with exactly one trailing slash, as apt-cacher-ng wants its backends. */
export function withSlash(uri: string): string {
	return `${uri.replace(/\/+$/, '')}/`;
}

type Source = {uris: string[]; suites: string[]};

/** The deb (not deb-src) entries of a deb822 .sources file. */
export function parseDeb822(text: string): Source[] {
	const sources: Source[] = [];
	for (const stanza of text.split(/\n\s*\n/)) {
		const fields = new Map<string, string>();
		let last: string | undefined;
		for (const line of stanza.split('\n')) {
			if (line.startsWith('#') || line.trim() === '') continue;
			if (/^\s/.test(line) && last) {
				fields.set(last, `${fields.get(last)} ${line.trim()}`);
				continue;
			}
			const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
			if (!match) continue;
			last = match[1]!.toLowerCase();
			fields.set(last, match[2]!.trim());
		}
		const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
		if (!words('types').includes('deb')) continue;
		if (/^(no|false|0)$/i.test(fields.get('enabled') ?? 'yes')) continue;
		sources.push({uris: words('uris'), suites: words('suites')});
	}
	return sources;
}

/** The deb lines of a one-line-style sources.list. */
export function parseSourcesList(text: string): Source[] {
	const sources: Source[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.replace(/#.*$/, '').trim();
		const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
		if (match) sources.push({uris: [match[1]!], suites: [match[2]!]});
	}
	return sources;
}

const debianSuite = /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)([-/](updates|security|backports|proposed-updates))?$/;

/** Picks the main and security archives out of the machine's apt sources. */
export function pickMirrors(sources: readonly Source[]): Mirrors {
	// buster/updates is how the security archive was named before bullseye.
	const isSecurity = (suite: string) => /-security$|\/updates$/.test(suite);
	// Ubuntu's or a vendor's archive (jammy, nodistro) serves no Debian suite, so it is never taken for one.
	const debian = sources.filter(s => s.suites.some(suite => debianSuite.test(suite)));
	const main = debian.find(s => s.suites.some(suite => debianSuite.test(suite) && !isSecurity(suite)) && s.uris.some(usable));
	const security = debian.find(s => s.suites.some(isSecurity) && s.uris.some(usable));
	const pick = (s: Source | undefined) => s?.uris.find(usable);
	const mainUri = pick(main);
	const securityUri = pick(security);
	return {debian: mainUri ? withSlash(mainUri) : fallback, ...(securityUri ? {security: withSlash(securityUri)} : {})};
}

// The cache fetches plain http(s) archives; file:, cdrom: and mirror+ methods are not archives it can serve.
function usable(uri: string): boolean {
	return /^https?:\/\/[^/]+/.test(uri);
}

/** Reads the machine's apt sources: debian.sources first, then sources.list. */
export async function machineMirrors(): Promise<Mirrors> {
	const sources: Source[] = [];
	const read = async (file: string) => readFile(file, 'utf8').catch(() => '');
	sources.push(...parseDeb822(await read('/etc/apt/sources.list.d/debian.sources')));
	sources.push(...parseSourcesList(await read('/etc/apt/sources.list')));
	return pickMirrors(sources);
}

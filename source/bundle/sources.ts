import {supportedRelease} from './manifest.js';
import {withSlash, type Mirrors} from './machine-mirrors.js';

/** The Debian archive keyring every official archive and mirror is signed with. */
export const debianKeyring = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** One archive suite apt reads while a bundle is made. */
export type AptSource = {
	uri: string;
	suite: string;
	components: readonly string[];
	/** How apt trusts it: the keyring its Release must be signed with, or not at all (only test archives). */
	trust: {signedBy: string} | 'unsigned';
};

/**
 * The archives a bundle is made from: bookworm and bookworm-updates from the
 * main archive, bookworm-security when the machine names a security archive.
 * No security archive is guessed: a machine that names none may be behind a
 * proxy or mirror that only serves its own, so it is left out and said.
 */
export function bundleSources(mirrors: Mirrors): {sources: AptSource[]; warnings: string[]} {
	const {codename} = supportedRelease;
	const signed = (uri: string, suite: string): AptSource => ({uri: withSlash(uri), suite, components: ['main'], trust: {signedBy: debianKeyring}});
	const sources = [signed(mirrors.debian, codename), signed(mirrors.debian, `${codename}-updates`)];
	if (mirrors.security) sources.push(signed(mirrors.security, `${codename}-security`));
	const warnings = mirrors.security ? [] : [`this machine's apt names no security archive, so the bundle holds no ${codename}-security updates (packages come from ${codename} and ${codename}-updates only)`];
	return {sources, warnings};
}

/** The one-line sources.list entry apt reads for a source; only the Packages indexes are fetched. */
export function sourcesListLine(source: AptSource): string {
	const trust = source.trust === 'unsigned' ? 'trusted=yes' : `signed-by=${source.trust.signedBy}`;
	return `deb [target=Packages ${trust}] ${source.uri} ${source.suite} ${source.components.join(' ')}`;
}

/** A source as the manifest records it: URI, suite and components. */
export function describeSource(source: AptSource): string {
	return `${source.uri} ${source.suite} ${source.components.join(' ')}`;
}

import {homedir} from 'node:os';
import type {Answers} from '../answers/schema.js';
import {debsForRoles, supportedRelease} from '../bundle/manifest.js';
import {openBundle, verifyBundle, type OpenedBundle} from '../bundle/archive.js';
import {BundleError} from '../bundle/errors.js';
import type {HostConnection} from '../transport/ssh.js';
import {packagesFor} from '../../recipes/index.js';
import {installedPackages} from '../../recipes/host/packages.js';

/** Every package pgha asks for on any host of the cluster, sorted. */
export function clusterPackages(answers: Pick<Answers, 'hosts'>): string[] {
	return [...new Set(answers.hosts.flatMap(host => packagesFor(host)))].sort();
}

/**
 * What is wrong with a bundle for these answers, one line each: made for
 * another Debian release, lacking a role's package, or holding another
 * version than one the cluster is pinned to. Pure.
 */
export function bundleMismatches(answers: Answers, bundle: Pick<OpenedBundle, 'manifest'>): string[] {
	const {manifest} = bundle;
	const problems: string[] = [];
	if (manifest.debian.codename !== supportedRelease.codename)
		problems.push(
			`it was made for Debian ${manifest.debian.version} (${manifest.debian.codename}); pgha installs on Debian ${supportedRelease.version} (${supportedRelease.codename}): make one with pgha bundle create from a ${supportedRelease.codename} archive`,
		);
	const roles = [...new Set(answers.hosts.flatMap(host => host.roles))];
	for (const role of roles) {
		const {missing} = debsForRoles(manifest, [role]);
		if (missing.length > 0) problems.push(`role ${role} needs ${missing.join(', ')}, which the bundle does not hold: make it with --roles including ${role}`);
		const asked = new Set(manifest.roles[role]?.packages ?? []);
		const lacking = packagesFor({roles: [role]}).filter(name => !asked.has(name));
		if (manifest.roles[role] && lacking.length > 0) problems.push(`role ${role} needs ${lacking.join(', ')}, which the bundle was not made for: make a new one with this pgha`);
	}
	const held = new Map(manifest.packages.map(deb => [deb.name, deb.version]));
	for (const [name, pinned] of Object.entries(answers.packages.versions ?? {})) {
		const version = held.get(name);
		if (version !== undefined && version !== pinned)
			problems.push(`${name} is pinned to ${pinned}, but the bundle holds ${version}; a bundle never moves a cluster to other versions by itself: use a bundle with ${pinned}`);
	}
	return problems;
}

/**
 * Opens the answers' bundle and proves it whole on this machine: the right
 * release, every package each role needs, the pinned versions, and every
 * file's SHA-256. Throws BundleError (exit 2) naming each problem, before any
 * host is touched; nothing for a mirror install.
 */
export async function openCheckedBundle(answers: Answers): Promise<OpenedBundle | undefined> {
	if (answers.packages.source !== 'bundle' || !answers.packages.bundle) return undefined;
	const file = answers.packages.bundle.replace(/^~(?=$|\/)/, homedir());
	const bundle = await openBundle(file);
	const problems = [...bundleMismatches(answers, bundle), ...(await verifyBundle(bundle))];
	if (problems.length > 0) throw new BundleError(`packages.bundle ${file} cannot be used; no host was changed:\n  ${problems.join('\n  ')}`);
	return bundle;
}

/**
 * The version of each of the cluster's packages now installed, pins kept:
 * what the cluster records after its packages phase, so no later run moves
 * it to another version by itself. A package missing everywhere stays unpinned.
 */
export async function installedPins(answers: Answers, connections: Map<string, HostConnection>): Promise<Record<string, string>> {
	const pins: Record<string, string> = {...answers.packages.versions};
	const seen = await Promise.all(
		answers.hosts.map(async host => {
			const conn = connections.get(host.name);
			return conn ? installedPackages({run: (script, options) => conn.run(script, options)}, packagesFor(host)) : new Map();
		}),
	);
	for (const found of seen)
		for (const [name, state] of found) if (state.installed && pins[name] === undefined) pins[name] = state.version;
	return Object.fromEntries(Object.entries(pins).sort(([a], [b]) => a.localeCompare(b)));
}

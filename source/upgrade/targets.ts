import type {BundleManifest} from '../bundle/manifest.js';
import {shQuote} from '../transport/quote.js';
import {aptWatchdogFunction} from '../../recipes/host/apt-scripts.js';

/** One package moving from the version a host has to the version the upgrade pins. */
export type PackageChange = {name: string; from?: string; to: string};

/** The versions an upgrade moves to, or why they cannot be told. */
export type Targets = {versions: Map<string, string>; problems: string[]};

/** The version a bundle holds of each package; a package it lacks is a problem naming it. Pure. */
export function bundleTargets(manifest: Pick<BundleManifest, 'packages'>, names: readonly string[]): Targets {
	const held = new Map(manifest.packages.map(deb => [deb.name, deb.version]));
	const versions = new Map<string, string>();
	const missing: string[] = [];
	for (const name of names) {
		const version = held.get(name);
		if (version === undefined) missing.push(name);
		else versions.set(name, version);
	}
	return {versions, problems: missing.length > 0 ? [`the bundle does not hold ${missing.join(', ')}; make it with pgha bundle create for every role of the cluster`] : []};
}

/**
 * A script that refreshes a host's package indexes (under the stall watchdog
 * installs use) and prints apt's candidate of each package: what a mirror
 * offers the host now. It changes no installed package.
 */
export function candidatesScript(names: readonly string[]): string {
	return `set -e
export DEBIAN_FRONTEND=noninteractive
${aptWatchdogFunction()}
apt_watched 'apt-get update' -o Acquire::http::Timeout=30 -o Acquire::Retries=3 update -q >&2
apt-cache policy ${names.map(shQuote).join(' ')}`;
}

/** `apt-cache policy` output as package -> candidate version; "(none)" is left out. Pure. */
export function parseCandidates(text: string): Map<string, string> {
	const found = new Map<string, string>();
	let current: string | undefined;
	for (const line of text.split('\n')) {
		const name = /^(\S+):$/.exec(line);
		if (name) {
			current = name[1]!.replace(/:[a-z0-9]+$/, '');
			continue;
		}
		const candidate = /^\s+Candidate:\s*(\S+)/.exec(line);
		if (candidate && current && candidate[1] !== '(none)') found.set(current, candidate[1]!);
	}
	return found;
}

/**
 * One version per package from what each host's package source offers. Hosts
 * that disagree (different mirrors, one not refreshed) are a problem naming
 * them: a cluster is pinned to one version of each package. Pure.
 */
export function mergeCandidates(byHost: ReadonlyMap<string, ReadonlyMap<string, string>>, names: readonly string[]): Targets {
	const versions = new Map<string, string>();
	const problems: string[] = [];
	for (const name of names) {
		const offers = new Map<string, string[]>();
		for (const [host, candidates] of byHost) {
			const version = candidates.get(name);
			if (version !== undefined) offers.set(version, [...(offers.get(version) ?? []), host]);
		}
		if (offers.size === 0) continue;
		if (offers.size > 1) {
			problems.push(`the hosts' package sources offer different versions of ${name}: ${[...offers].map(([v, hosts]) => `${v} on ${hosts.join(', ')}`).join('; ')}; give every host the same mirror, or upgrade from a bundle (--bundle FILE)`);
			continue;
		}
		versions.set(name, [...offers.keys()][0]!);
	}
	return {versions, problems};
}

/** A host's package changes: each of its packages whose installed version is not the target's. Pure. */
export function packageChanges(packages: readonly string[], installed: ReadonlyMap<string, {version: string; installed: boolean}>, targets: ReadonlyMap<string, string>): PackageChange[] {
	return packages.flatMap(name => {
		const to = targets.get(name);
		const have = installed.get(name);
		if (to === undefined) return [];
		if (have?.installed && have.version === to) return [];
		return [{name, ...(have?.installed ? {from: have.version} : {}), to}];
	});
}

/** A script printing each package whose target is older than the installed version (dpkg's own comparison): a downgrade. */
export function downgradesScript(changes: readonly PackageChange[]): string {
	const lines = changes
		.filter((c): c is PackageChange & {from: string} => c.from !== undefined)
		.map(c => `if dpkg --compare-versions ${shQuote(c.to)} lt ${shQuote(c.from)}; then echo ${shQuote(c.name)}; fi`);
	return [...lines, 'true'].join('\n');
}

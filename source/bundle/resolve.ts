import {access} from 'node:fs/promises';
import {basename} from 'node:path';
import type {Role} from '../answers/schema.js';
import {UserError} from '../errors.js';
import {openAptSandbox, type AptSandbox} from './apt-sandbox.js';
import {supportedRelease, type BundleDeb} from './manifest.js';
import {joinStanzas, splitStanzas, stanzaField, withField} from './packages-index.js';
import {describeSource, type AptSource} from './sources.js';
import {onPath, type ToolResult} from './tool.js';

export type ResolveOptions = {
	sources: readonly AptSource[];
	arch: string;
	roles: readonly Role[];
	/** The Debian packages pgha installs for a role. */
	packagesOf: (role: Role) => readonly string[];
	/** apt's private state directory (see apt-sandbox.ts). */
	stateDir: string;
	signal?: AbortSignal;
	env?: NodeJS.ProcessEnv;
	onStep?: (text: string) => void;
};

/** A .deb of the closure: what the manifest records, and where apt would fetch it. */
export type ResolvedDeb = BundleDeb & {
	uri: string;
	/** The name apt gives it in /var/cache/apt/archives (the epoch's colon as %3a). */
	aptFile: string;
};

export type Resolution = {
	/** The main archive's point release, e.g. 12.11. */
	pointRelease?: string;
	sources: string[];
	roles: Partial<Record<Role, {packages: string[]; closure: string[]}>>;
	/** Every .deb any role needs, by name. */
	debs: ResolvedDeb[];
	/** The Packages index of those .debs, each Filename debs/<file>. */
	packagesIndex: string;
};

/** A line of `apt-get install --print-uris`. */
export type PrintedUri = {uri: string; aptFile: string; size: number; name: string; version: string; arch: string};

/** The .debs `apt-get install --print-uris` lists: URI, apt's file name (name_version_arch.deb) and size. */
export function parsePrintUris(text: string): PrintedUri[] {
	const uris: PrintedUri[] = [];
	for (const line of text.split('\n')) {
		if (!line.startsWith("'")) continue;
		const match = /^'([^']+)'\s+(\S+)\s+(\d+)(?:\s+\S+)?\s*$/.exec(line.trim());
		const parts = match && /^([^_]+)_([^_]+)_([^_]+)\.deb$/.exec(match[2]!);
		if (!match || !parts) throw new Error(`unexpected line from apt-get --print-uris: ${line}`);
		uris.push({uri: match[1]!, aptFile: match[2]!, size: Number(match[3]), name: parts[1]!, version: decodeURIComponent(parts[2]!), arch: parts[3]!});
	}
	return uris;
}

/**
 * The complete closure of each role's packages, resolved by this machine's
 * apt-get for a system with nothing installed: what the role needs on any
 * Debian 12 host, each .deb with its URI, size and SHA-256, and its stanza for
 * the bundle's Packages index. apt installs an Essential package only when a
 * package depends on it, as a host already has them all.
 */
export async function resolveBundle(options: ResolveOptions): Promise<Resolution> {
	requireApt(options.env);
	await requireKeyrings(options.sources);
	const step = options.onStep ?? (() => undefined);
	const apt = await openAptSandbox({dir: options.stateDir, sources: options.sources, arch: options.arch, signal: options.signal, env: options.env});
	step(`Reading the package indexes (${options.sources.map(s => `${s.uri} ${s.suite}`).join(', ')})`);
	failUnless(await apt.aptGet(['-q', '-o', 'APT::Update::Error-Mode=any', 'update']), 'apt-get update of the bundle archives failed');
	const pointRelease = await checkRelease(apt, options.sources);

	const roles: Resolution['roles'] = {};
	const printed = new Map<string, PrintedUri>();
	for (const role of options.roles) {
		const packages = [...new Set(options.packagesOf(role))].sort();
		step(`Resolving the ${role} role (${packages.join(', ')})`);
		const result = await apt.aptGet(['install', '--print-uris', '-y', '-qq', '--no-install-recommends', ...packages]);
		failUnless(result, `apt cannot install the ${role} role's packages (${packages.join(' ')}) from these archives`);
		const uris = parsePrintUris(result.stdout);
		for (const uri of uris) printed.set(uri.name, uri);
		roles[role] = {packages, closure: uris.map(uri => uri.name).sort()};
	}

	const stanzas = await controlStanzas(apt, [...printed.values()]);
	const debs: ResolvedDeb[] = [];
	const index: string[] = [];
	const files = new Map<string, string>();
	for (const uri of [...printed.values()].sort((a, b) => a.name.localeCompare(b.name))) {
		const stanza = stanzas.get(`${uri.name}=${uri.version}`);
		if (!stanza) throw new UserError(`apt-cache shows no ${uri.name} ${uri.version}, which apt-get chose; run again (the archive may have changed in between)`);
		const deb = debFrom(uri, stanza);
		const clash = files.get(deb.file);
		if (clash) throw new UserError(`${clash} and ${deb.name} would both be debs/${deb.file} in the bundle`);
		files.set(deb.file, deb.name);
		debs.push(deb);
		index.push(withField(stanza, 'Filename', `debs/${deb.file}`));
	}
	return {...(pointRelease ? {pointRelease} : {}), sources: options.sources.map(describeSource), roles, debs, packagesIndex: joinStanzas(index)};
}

function requireApt(env: NodeJS.ProcessEnv = process.env): void {
	const missing = ['apt-get', 'apt-cache'].filter(tool => !onPath(tool, env));
	if (missing.length > 0) throw new UserError(`bundles are made on a Debian or Ubuntu machine with apt, which resolves the packages; ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not on this machine's PATH`);
}

async function requireKeyrings(sources: readonly AptSource[]): Promise<void> {
	for (const source of sources) {
		if (source.trust === 'unsigned') continue;
		const keyring = source.trust.signedBy;
		await access(keyring).catch(() => {
			throw new UserError(`${keyring} is missing, and apt needs it to check ${source.uri}; install the debian-archive-keyring package`);
		});
	}
}

// apt's own lines say best what went wrong: unmet dependencies, a missing package, an unreachable archive.
function failUnless(result: ToolResult, what: string): void {
	if (result.code === 0) return;
	const lines = `${result.stdout}\n${result.stderr}`
		.split('\n')
		.map(line => line.trimEnd())
		.filter(line => /^(E|W|Err):|^ \S.* : |^\s+(Depends|PreDepends|Conflicts|Breaks)/.test(line));
	const detail = (lines.length > 0 ? lines : result.stderr.trim().split('\n')).slice(-12).join('\n  ');
	throw new UserError(`${what}:\n  ${detail}`);
}

// Codename is what the archive says it serves: a mirror that answers "bookworm" with another release would fill the bundle with the wrong packages.
async function checkRelease(apt: AptSandbox, sources: readonly AptSource[]): Promise<string | undefined> {
	const result = await apt.aptGet(['indextargets']);
	failUnless(result, 'apt-get indextargets failed');
	const targets = splitStanzas(result.stdout).filter(stanza => stanzaField(stanza, 'Identifier') === 'Packages');
	let pointRelease: string | undefined;
	for (const source of sources) {
		const target = targets.find(stanza => stanzaField(stanza, 'Release') === source.suite);
		const codename = target && stanzaField(target, 'Codename');
		if (!codename) throw new UserError(`${source.uri} gave no Release file for ${source.suite}; is it a Debian archive?`);
		if (codename !== source.suite)
			throw new UserError(`${source.uri} serves ${codename} as ${source.suite}, not Debian ${supportedRelease.version} (${supportedRelease.codename}); give a Debian ${supportedRelease.version} mirror`);
		if (source.suite === supportedRelease.codename) pointRelease = stanzaField(target, 'Version');
	}
	return pointRelease;
}

async function controlStanzas(apt: AptSandbox, uris: readonly PrintedUri[]): Promise<Map<string, string>> {
	const stanzas = new Map<string, string>();
	if (uris.length === 0) return stanzas;
	const result = await apt.aptCache(['show', '--no-all-versions', ...uris.map(uri => `${uri.name}=${uri.version}`)]);
	failUnless(result, 'apt-cache show failed');
	for (const stanza of splitStanzas(result.stdout)) {
		const key = `${stanzaField(stanza, 'Package')}=${stanzaField(stanza, 'Version')}`;
		if (!stanzas.has(key)) stanzas.set(key, stanza);
	}
	return stanzas;
}

function debFrom(uri: PrintedUri, stanza: string): ResolvedDeb {
	const filename = stanzaField(stanza, 'Filename');
	const size = Number(stanzaField(stanza, 'Size'));
	const sha256 = stanzaField(stanza, 'SHA256')?.toLowerCase();
	if (!filename || !sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !Number.isInteger(size))
		throw new UserError(`the archive's index gives no Filename, Size or SHA256 for ${uri.name} ${uri.version}`);
	if (size !== uri.size) throw new UserError(`apt-get and apt-cache disagree on the size of ${uri.name} ${uri.version} (${uri.size} and ${size} bytes); run again`);
	// The archive's own file name (no epoch, no %-escapes) is what a flat repository serves best.
	const file = basename(filename);
	return {name: uri.name, version: uri.version, arch: stanzaField(stanza, 'Architecture') ?? uri.arch, file, size, sha256, uri: uri.uri, aptFile: uri.aptFile};
}

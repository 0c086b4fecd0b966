import {mkdir, readdir, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {sourcesListLine, type AptSource} from './sources.js';
import {runTool, type ToolResult} from './tool.js';

/** This machine's apt-get and apt-cache, run against a private state directory. */
export type AptSandbox = {
	dir: string;
	aptGet: (args: readonly string[]) => Promise<ToolResult>;
	aptCache: (args: readonly string[]) => Promise<ToolResult>;
};

export type AptSandboxOptions = {
	/** The private state: lists, cache, status and configuration live here, kept between runs so indexes are only refreshed. */
	dir: string;
	sources: readonly AptSource[];
	arch: string;
	signal?: AbortSignal;
	env?: NodeJS.ProcessEnv;
};

// Hooks of the machine's apt.conf.d (PackageKit, AppStream, debconf) act on the
// machine itself; a private run must not set them off. -c is read after
// apt.conf.d, so these clear them while the rest (proxies, timeouts) still applies.
const clearHooks = ['APT::Update::Pre-Invoke', 'APT::Update::Post-Invoke', 'APT::Update::Post-Invoke-Success', 'DPkg::Pre-Invoke', 'DPkg::Post-Invoke', 'DPkg::Pre-Install-Pkgs'];

/**
 * Prepares a private apt state: its own sources.list, lists, cache and an
 * empty dpkg status, so apt resolves as for a system with nothing installed
 * and never reads or changes the machine's own package state.
 */
export async function openAptSandbox(options: AptSandboxOptions): Promise<AptSandbox> {
	const {dir, arch} = options;
	const path = (...parts: string[]) => join(dir, ...parts);
	for (const sub of ['lists/partial', 'cache/archives/partial', 'sources.list.d', 'preferences.d']) await mkdir(path(sub), {recursive: true});
	// Every run starts from nothing installed and nothing downloaded, so every URI of the closure is printed.
	await writeFile(path('status'), '');
	await writeFile(path('extended_states'), '');
	for (const entry of await readdir(path('cache/archives'))) if (entry.endsWith('.deb')) await rm(path('cache/archives', entry), {force: true});
	await writeFile(path('sources.list'), `${options.sources.map(sourcesListLine).join('\n')}\n`);
	await writeFile(path('apt.conf'), `${clearHooks.map(key => `#clear ${key};`).join('\n')}\n`);
	const config = [
		['Dir::State::status', path('status')],
		['Dir::State::extended_states', path('extended_states')],
		['Dir::State::Lists', path('lists')],
		['Dir::Cache', path('cache')],
		// A machine may switch apt's binary cache off (Docker images do); in the private state it saves a rebuild per call.
		['Dir::Cache::pkgcache', 'pkgcache.bin'],
		['Dir::Cache::srcpkgcache', 'srcpkgcache.bin'],
		['Dir::Etc::SourceList', path('sources.list')],
		['Dir::Etc::SourceParts', path('sources.list.d')],
		['Dir::Etc::Preferences', path('preferences')],
		['Dir::Etc::PreferencesParts', path('preferences.d')],
		['APT::Architecture', arch],
		['APT::Architectures', arch],
		['Acquire::Languages', 'none'],
		// apt drops to the _apt user to download, and _apt cannot write a root-owned private directory.
		...(process.getuid?.() === 0 ? [['APT::Sandbox::User', 'root']] : []),
	];
	const common = ['-c', path('apt.conf'), ...config.flatMap(([key, value]) => ['-o', `${key}=${value}`])];
	// C messages, whatever the machine's language: errors are passed on as they are.
	const env = {...(options.env ?? process.env), LC_ALL: 'C', LANGUAGE: ''};
	const run = (command: string) => (args: readonly string[]) => runTool(command, [...common, ...args], {signal: options.signal, env});
	return {dir, aptGet: run('apt-get'), aptCache: run('apt-cache')};
}

import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import {UsageError, UserError} from '../errors.js';
import {labAnswers, writeLabAnswers} from './answers.js';
import {ensureBaseImage, removeBaseImage} from './base-image.js';
import {anyLabNspawnMatch, nspawnMatch, startNspawn, waitForBoot} from './boot.js';
import {run, type ExecResult} from './exec.js';
import {seconds, type LabHostStatus, type LabStatus} from './format.js';
import {hostKeyFingerprint, prepareHostRoot, updateHostsFile} from './host-root.js';
import {withLabLock} from './lock.js';
import {machineMirrors} from '../bundle/machine-mirrors.js';
import {ensureLabBundle} from './lab-bundle.js';
import {currentMounts, discardHostLayer, isMounted, mountHostRoot, mountsUnder, unmountUnder} from './mounts.js';
import {
	checkSubnetFree,
	createBridge,
	createHostNetwork,
	deleteHostNetwork,
	deleteLink,
	deleteNetns,
	hostNetworkExists,
	listLinks,
	listNetns,
	setHostLink,
} from './network.js';
import {generatePasswords} from '../answers/passwords.js';
import {fetchThroughCache, packageCacheMatch, startPackageCache, stopPackageCache} from './package-cache.js';
import {hostPaths, labPaths, type LabPaths} from './paths.js';
import {ensureTools, requireLinuxRoot, requireOverlayfs} from './prerequisites.js';
import {findProcesses, isOurProcess, killNetnsProcesses, killTree, stopProcess} from './processes.js';
import {ensureLabKey, sshAnswers, sshExec} from './ssh.js';
import {readStateFile, writeStateFile, type LabHostState, type LabState} from './state.js';
import {isLabNetName, labHostNameProblem, labIpProblem, labNetwork, netnsName, nextFreeIp, topologyHosts, type TopologyName} from './topology.js';

export type {LabStatus, LabHostStatus} from './format.js';
export type {LabState, LabHostState} from './state.js';
export type {TopologyName} from './topology.js';

/** Where progress lines go; plain lines, one per event. */
export type LabLog = (line: string) => void;

/** Options every lab operation takes. */
export type LabOptions = {
	log?: LabLog;
	/** Moves the lab's directories (PGHA_LAB_DIR, PGHA_LAB_CACHE). */
	env?: NodeJS.ProcessEnv;
};

/** How `lab up` ended. */
export type LabUpResult = {already: boolean; status: LabStatus; ms: number; timings: Record<string, number>};

const quiet: LabLog = () => undefined;

/**
 * Boots the lab: a cached Debian 12 base image, a bridge, one network
 * namespace and overlay per host, and every host booted with systemd-nspawn
 * in parallel. The hosts have no package source: installs copy packages from
 * the lab's bundle (built once and cached like the base image). With mirror,
 * a package cache on the bridge serves them the machine's archives instead. A lab already running with the
 * same topology is left as it is; leftovers of an interrupted run are cleaned
 * up first.
 */
export async function labUp(options: LabOptions & {topology?: TopologyName; writeAnswers?: string; mirror?: boolean} = {}): Promise<LabUpResult> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const topology = options.topology ?? 'seed';
	const paths = labPaths(options.env);
	const started = Date.now();
	const timings: Record<string, number> = {};
	return withLabLock(paths.lockFile, async () => {
		await ensureTools(log);
		await requireOverlayfs();
		const existing = await readStateFile(paths.stateFile);
		if (existing.kind === 'ok') {
			const state = existing.state;
			const alive = await aliveHosts(paths, state);
			// An interrupted `lab up` of another topology is leftovers, not a lab in use.
			if (state.topology !== topology && state.phase === 'running' && alive.length > 0)
				throw new UsageError(
					`a ${state.topology} lab is running (${alive.length} host(s)); run \`pgha lab down\` first, or \`pgha lab up --topology ${state.topology}\``,
				);
			if (state.topology === topology && state.phase === 'running' && (await infrastructureUp(paths, state))) {
				const off = state.hosts.filter(host => !alive.includes(host.name));
				const wanted = options.mirror ? 'mirror' : 'bundle';
				if (state.packageSource !== wanted)
					log(`lab: the running lab installs from ${state.packageSource === 'bundle' ? 'its bundle' : 'the package cache'}; run \`pgha lab down\` first to change that`);
				if (off.length === 0) log(`lab: a ${topology} lab is already running; nothing changed`);
				else {
					log(`lab: ${off.map(h => h.name).join(', ')} ${off.length === 1 ? 'was' : 'were'} off; starting ${off.length === 1 ? 'it' : 'them'}`);
					await bootHosts(paths, state, off, saver(paths, state), log);
				}
				if (options.writeAnswers) await writeAnswersFor(paths, options.writeAnswers, log);
				return {already: off.length === 0, status: await statusOf(paths, state), ms: Date.now() - started, timings};
			}
			log('lab: cleaning up what an earlier lab left behind');
			await teardown(paths, state, log);
		} else {
			if (existing.kind === 'corrupt') log(`lab: the state file is damaged (${existing.reason}); cleaning up by name`);
			await teardown(paths, undefined, log);
		}

		await checkSubnetFree();
		const mirrors = await machineMirrors();

		let mark = Date.now();
		const how = await ensureBaseImage(paths.baseImage, mirrors.debian, log);
		timings['base image'] = Date.now() - mark;
		log(`lab: base image ready (${how === 'cached' ? 'cached' : `built in ${seconds(timings['base image'])}`})`);

		let bundle: string | undefined;
		if (!options.mirror) {
			mark = Date.now();
			const made = await ensureLabBundle(paths, mirrors, log);
			bundle = made.file;
			timings['bundle'] = Date.now() - mark;
			if (!made.built) log(`lab: package bundle ready (cached: ${made.file})`);
		}

		const state: LabState = {
			version: 1,
			topology,
			phase: 'starting',
			startedAt: new Date().toISOString(),
			baseImage: paths.baseImage,
			keyFile: paths.keyFile,
			mirrors,
			securityProxied: false,
			packageCache: {},
			packageSource: bundle ? 'bundle' : 'mirror',
			...(bundle ? {bundle} : {}),
			hosts: topologyHosts(topology).map(host => ({...host, added: false})),
		};
		const save = saver(paths, state);
		await save();

		mark = Date.now();
		await ensureLabKey(paths.keyFile);
		await createBridge();
		timings['network'] = Date.now() - mark;

		if (!bundle) await startCache(paths, state, save, timings, log);

		mark = Date.now();
		await bootHosts(paths, state, state.hosts, save, log);
		timings['hosts'] = Date.now() - mark;
		state.phase = 'running';
		await save();

		if (options.writeAnswers) await writeAnswersFor(paths, options.writeAnswers, log);
		const ms = Date.now() - started;
		const parts = Object.entries(timings).map(([part, took]) => `${part} ${seconds(took)}`);
		log(`lab: up in ${seconds(ms)} (${parts.join(', ')}): ${state.hosts.length} hosts on ${labNetwork.cidr}, VIP ${labNetwork.vip}, key ${paths.keyFile}`);
		return {already: false, status: await statusOf(paths, state), ms, timings};
	});
}

/** Starts the package cache on the bridge and proves it reaches the machine's archives. */
async function startCache(paths: LabPaths, state: LabState, save: () => Promise<void>, timings: Record<string, number>, log: LabLog): Promise<void> {
	const mark = Date.now();
	const {mirrors} = state;
	state.packageCache.pid = await startPackageCache(paths, mirrors);
	await save();
	const main = await fetchThroughCache(`${mirrors.debian}dists/bookworm/InRelease`);
	if (!main.ok) throw new UserError(`the package cache cannot fetch ${mirrors.debian} (${main.status}); the hosts could not install anything`);
	if (mirrors.security) {
		const security = await fetchThroughCache(`${mirrors.security}dists/bookworm-security/InRelease`);
		state.securityProxied = security.ok;
		if (!security.ok) log(`lab: bookworm-security is not reachable through the cache (${security.status}); the hosts get bookworm and bookworm-updates only`);
	} else {
		log('lab: the machine names no security archive; the hosts get bookworm and bookworm-updates only');
	}
	await save();
	timings['package cache'] = Date.now() - mark;
	log(`lab: package cache up on ${labNetwork.bridgeIp}:${labNetwork.packageCachePort} (${seconds(timings['package cache'])})`);
}

/**
 * Removes everything `lab up` made: hosts (each ended by its recorded pid),
 * overlays, namespaces, links, the package cache and the state. The base
 * image and downloaded packages stay unless purge. Safe to run twice.
 */
export async function labDown(options: LabOptions & {purge?: boolean} = {}): Promise<{found: boolean; ms: number}> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const paths = labPaths(options.env);
	const started = Date.now();
	return withLabLock(paths.lockFile, async () => {
		const existing = await readStateFile(paths.stateFile);
		if (existing.kind === 'corrupt') log(`lab: the state file is damaged (${existing.reason}); cleaning up by name`);
		const found = await teardown(paths, existing.kind === 'ok' ? existing.state : undefined, log);
		if (options.purge) {
			await removeBaseImage(paths.baseImage);
			await rm(paths.packages, {recursive: true, force: true});
			await rm(join(paths.cacheDir, 'bundles'), {recursive: true, force: true});
			await rm(join(paths.cacheDir, 'bundle-debs'), {recursive: true, force: true});
			log(`lab: removed the base image, the package bundle and the package cache (${paths.cacheDir})`);
		}
		const ms = Date.now() - started;
		if (existing.kind === 'missing' && found.length === 0) log('lab: no lab to take down');
		else log(`lab: down in ${seconds(ms)}`);
		return {found: existing.kind !== 'missing' || found.length > 0, ms};
	});
}

/** Each host of the lab: address, roles, whether its process lives and whether SSH answers. */
export async function labStatus(options: LabOptions = {}): Promise<LabStatus> {
	requireLinuxRoot();
	const paths = labPaths(options.env);
	const existing = await readStateFile(paths.stateFile);
	if (existing.kind === 'corrupt') throw new UserError(`the lab state file ${paths.stateFile} is damaged (${existing.reason}); run pgha lab down to clean up`);
	if (existing.kind === 'missing') return {exists: false};
	return statusOf(paths, existing.state);
}

/** Starts one more host, without a role, on the running lab; returns it once SSH answers. */
export async function labAdd(name: string, options: LabOptions & {ip?: string} = {}): Promise<LabHostStatus> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const paths = labPaths(options.env);
	return withLabLock(paths.lockFile, async () => {
		const state = await requireRunningLab(paths);
		const nameProblem = labHostNameProblem(name, state.hosts.map(h => h.name));
		if (nameProblem) throw new UsageError(nameProblem);
		const used = state.hosts.map(h => h.ip);
		const ip = options.ip ?? nextFreeIp(used);
		if (!ip) throw new UserError(`the lab subnet ${labNetwork.cidr} has no free address left`);
		const ipProblem = labIpProblem(ip, used);
		if (ipProblem) throw new UsageError(`--ip ${ipProblem}`);
		const host: LabHostState = {name, ip, roles: [], added: true};
		state.hosts.push(host);
		const save = saver(paths, state);
		await save();
		// Every host knows every other by name, the new one included.
		for (const other of state.hosts) {
			const root = hostPaths(paths, other.name).root;
			if (other !== host && (await isMounted(root))) await updateHostsFile(root, other.name, state.hosts);
		}
		await bootHosts(paths, state, [host], save, log);
		return hostStatus(paths, host);
	});
}

/** Powers a host off: its systemd-nspawn ends, its disk (overlay) and address stay. */
export async function labStop(name: string, options: LabOptions = {}): Promise<void> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const paths = labPaths(options.env);
	await withLabLock(paths.lockFile, async () => {
		const state = await requireRunningLab(paths);
		await powerOff(paths, findHost(state, name), saver(paths, state), log);
	});
}

/**
 * Shuts a running host down (killed if the shutdown times out), ends
 * whatever is left in its namespace and records it off; its disk stays.
 */
async function powerOff(paths: LabPaths, host: LabHostState, save: () => Promise<void>, log: LabLog): Promise<void> {
	const started = Date.now();
	const outcome = await stopProcess(host.pid, nspawnMatch(host.name, hostPaths(paths, host.name).root));
	// A container whose systemd-nspawn was killed lives on in its namespace; nothing of it may hold the disk.
	await killNetnsProcesses(netnsFile(host.name));
	delete host.pid;
	await save();
	log(outcome === 'not-running' ? `lab: ${host.name} was already off` : `lab: ${host.name} off (${outcome === 'killed' ? 'killed after the shutdown timed out' : 'shut down'}, ${seconds(Date.now() - started)})`);
}

/**
 * Cuts a host's power: its cable is pulled first (so nothing it does while
 * dying reaches a peer), then every process in it is killed at once with no
 * shutdown, as a power cut would. `lab start` boots it again with its disk.
 */
export async function labCrash(name: string, options: LabOptions = {}): Promise<void> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const paths = labPaths(options.env);
	await withLabLock(paths.lockFile, async () => {
		const state = await requireRunningLab(paths);
		const host = findHost(state, name);
		if (!(await isOurProcess(host.pid, nspawnMatch(host.name, hostPaths(paths, host.name).root)))) {
			log(`lab: ${name} was already off`);
			return;
		}
		await setHostLink(host.ip, 'down');
		const killed = await killNetnsProcesses(netnsFile(host.name));
		if (host.pid !== undefined) await killTree(host.pid);
		delete host.pid;
		await saver(paths, state)();
		log(`lab: ${name} crashed (power cut: ${killed} process(es) killed at once, no shutdown; its address answers nothing until \`pgha lab start ${name}\`)`);
	});
}

/** Powers a stopped host on again, with the disk it had; returns once SSH answers. */
export async function labStart(name: string, options: LabOptions = {}): Promise<LabHostStatus> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const paths = labPaths(options.env);
	return withLabLock(paths.lockFile, async () => {
		const state = await requireRunningLab(paths);
		const host = findHost(state, name);
		if (await isOurProcess(host.pid, nspawnMatch(host.name, hostPaths(paths, host.name).root))) {
			log(`lab: ${name} is already running`);
		} else {
			await bootHosts(paths, state, [host], saver(paths, state), log);
		}
		return hostStatus(paths, host);
	});
}

/** How `lab replace` ended: the host as it runs now, how long it took, and its SSH host key before and after. */
export type LabReplaceResult = {host: LabHostStatus; ms: number; hostKey: {before?: string; after?: string}};

/**
 * A host lost and replaced by a new, empty machine of the same name and
 * address: it is powered off (as `lab stop`, killed if it does not stop),
 * its own overlay layer is thrown away, and it boots again from the base
 * image as a new host does, with a machine id and SSH host keys of its own.
 * Nothing that was installed on it survives. Returns once SSH answers.
 */
export async function labReplace(name: string, options: LabOptions = {}): Promise<LabReplaceResult> {
	requireLinuxRoot();
	const log = options.log ?? quiet;
	const paths = labPaths(options.env);
	return withLabLock(paths.lockFile, async () => {
		const state = await requireRunningLab(paths);
		const host = findHost(state, name);
		const files = hostPaths(paths, host.name);
		const save = saver(paths, state);
		const started = Date.now();
		await powerOff(paths, host, save, log);
		// The keys a host makes live in its own layer, never in the base image.
		const before = await hostKeyFingerprint(files.upper);
		await unmountUnder(files.dir);
		await discardHostLayer(files);
		log(`lab: ${name}'s disk thrown away (everything installed on it, its machine id, its SSH host keys); booting it fresh from the base image`);
		await bootHosts(paths, state, [host], save, log);
		const after = await hostKeyFingerprint(files.root);
		const ms = Date.now() - started;
		log(
			`lab: ${name} replaced in ${seconds(ms)}: a new, empty Debian 12 at ${host.ip}, SSH host key ${after ?? 'unknown'} (was ${before ?? 'none'}); ` +
				`a cluster that recorded the old key refuses ${name} until \`pgha trust-host ${name}\``,
		);
		return {host: await hostStatus(paths, host), ms, hostKey: {...(before ? {before} : {}), ...(after ? {after} : {})}};
	});
}

/** The lab's state file, or undefined when there is no lab (or its state is unreadable). */
export async function readLabState(options: LabOptions = {}): Promise<LabState | undefined> {
	const existing = await readStateFile(labPaths(options.env).stateFile);
	return existing.kind === 'ok' ? existing.state : undefined;
}

/** How to reach a lab host over SSH from the machine. */
export type LabSshTarget = {name: string; ip: string; user: 'root'; port: 22; identityFile: string};

/** Where and how to SSH into a lab host. */
export async function labSshTarget(name: string, options: LabOptions = {}): Promise<LabSshTarget> {
	const state = await readLabState(options);
	if (!state) throw new UserError('no lab is set up; run pgha lab up first');
	const host = findHost(state, name);
	return {name: host.name, ip: host.ip, user: 'root', port: 22, identityFile: state.keyFile};
}

/** Runs a command on a lab host as root (through the machine's ssh client). */
export async function labExec(name: string, command: string, options: LabOptions & {timeoutMs?: number} = {}): Promise<ExecResult> {
	const target = await labSshTarget(name, options);
	return sshExec(target.ip, target.identityFile, command, options.timeoutMs ?? 600_000);
}

/** Writes a fresh answer file (new passwords, mode 0600) for the running lab. */
export async function labWriteAnswers(file: string, options: LabOptions = {}): Promise<void> {
	const paths = labPaths(options.env);
	await writeAnswersFor(paths, file, options.log ?? quiet);
}

async function writeAnswersFor(paths: LabPaths, file: string, log: LabLog): Promise<void> {
	const existing = await readStateFile(paths.stateFile);
	if (existing.kind !== 'ok') throw new UserError('no lab is set up; run pgha lab up first');
	const state = existing.state;
	const packages = state.packageSource === 'bundle' && state.bundle ? {source: 'bundle' as const, bundle: state.bundle} : undefined;
	await writeLabAnswers(file, labAnswers(state.topology, state.hosts, state.keyFile, generatePasswords(), packages));
	log(`lab: answer file written to ${file} (mode 0600; it holds the passwords)`);
}

/** The lab host of that name; an unknown name is a UsageError naming the lab's hosts. */
export function findHost(state: LabState, name: string): LabHostState {
	const host = state.hosts.find(h => h.name === name);
	if (!host) throw new UsageError(`the lab has no host "${name}"; its hosts are ${state.hosts.map(h => h.name).join(', ')}`);
	return host;
}

async function requireRunningLab(paths: LabPaths): Promise<LabState> {
	const existing = await readStateFile(paths.stateFile);
	if (existing.kind !== 'ok') throw new UserError('no lab is running; run pgha lab up first');
	const state = existing.state;
	if (state.phase !== 'running' || !(await infrastructureUp(paths, state)))
		throw new UserError('the lab is not fully up (interrupted, or the machine restarted); run pgha lab up to recover it');
	return state;
}

// State writes queue behind each other: hosts boot in parallel and each records its pid.
function saver(paths: LabPaths, state: LabState): () => Promise<void> {
	let chain: Promise<void> = Promise.resolve();
	return () => {
		chain = chain.then(() => writeStateFile(paths.stateFile, state));
		return chain;
	};
}

async function bootHosts(paths: LabPaths, state: LabState, hosts: readonly LabHostState[], save: () => Promise<void>, log: LabLog): Promise<void> {
	const publicKey = await ensureLabKey(paths.keyFile);
	const outcomes = await Promise.allSettled(hosts.map(host => bootHost(paths, state, host, publicKey, save, log)));
	const failures = outcomes.flatMap(o => (o.status === 'rejected' ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : []));
	if (failures.length > 0)
		throw new UserError(`${failures.length} lab host(s) did not come up:\n  ${failures.join('\n  ')}\nRun \`pgha lab up\` to try again, or \`pgha lab down\` to clean up.`);
}

async function bootHost(paths: LabPaths, state: LabState, host: LabHostState, publicKey: string, save: () => Promise<void>, log: LabLog): Promise<void> {
	const started = Date.now();
	const files = hostPaths(paths, host.name);
	if (await hostNetworkExists(host.name, host.ip)) {
		const orphans = await killNetnsProcesses(netnsFile(host.name));
		if (orphans > 0) log(`lab: ${host.name}: ended ${orphans} process(es) left from its previous boot`);
		// A crashed host had its cable pulled.
		await setHostLink(host.ip, 'up');
	} else {
		await deleteHostNetwork(host.name, host.ip);
		await createHostNetwork(host.name, host.ip, state.packageSource === 'mirror');
	}
	await mountHostRoot(state.baseImage, files);
	await prepareHostRoot({
		root: files.root,
		name: host.name,
		hosts: state.hosts,
		publicKey,
		mirrors: state.mirrors,
		withSecurity: state.securityProxied,
		offline: state.packageSource === 'bundle',
	});
	host.pid = await startNspawn(host.name, files);
	await save();
	const boot = await waitForBoot(host.name, host.ip, state.keyFile, host.pid, files);
	const note = boot.state === 'degraded' ? `; degraded, failed units: ${boot.failedUnits.join(', ') || 'none listed'}` : '';
	log(`lab: ${host.name} up ${host.ip} (${seconds(Date.now() - started)})${note}`);
}

function netnsFile(host: string): string {
	return `/run/netns/${netnsName(host)}`;
}

async function aliveHosts(paths: LabPaths, state: LabState): Promise<string[]> {
	const alive = await Promise.all(state.hosts.map(host => isOurProcess(host.pid, nspawnMatch(host.name, hostPaths(paths, host.name).root))));
	return state.hosts.filter((_, i) => alive[i]).map(h => h.name);
}

// The parts every host depends on: the bridge, and the package cache when the hosts install through it.
async function infrastructureUp(paths: LabPaths, state: LabState): Promise<boolean> {
	const [links, cache] = await Promise.all([listLinks(), state.packageSource === 'mirror' ? isOurProcess(state.packageCache.pid, packageCacheMatch(paths)) : true]);
	return links.includes(labNetwork.bridge) && cache;
}

async function hostStatus(paths: LabPaths, host: LabHostState): Promise<LabHostStatus> {
	const alive = await isOurProcess(host.pid, nspawnMatch(host.name, hostPaths(paths, host.name).root));
	const ssh = alive ? await sshAnswers(host.ip, paths.keyFile) : false;
	return {name: host.name, ip: host.ip, roles: host.roles, ...(alive && host.pid ? {pid: host.pid} : {}), alive, ssh, added: host.added};
}

async function statusOf(paths: LabPaths, state: LabState): Promise<LabStatus> {
	const [hosts, cacheAlive] = await Promise.all([
		Promise.all(state.hosts.map(host => hostStatus(paths, host))),
		isOurProcess(state.packageCache.pid, packageCacheMatch(paths)),
	]);
	return {
		exists: true,
		topology: state.topology,
		phase: state.phase,
		startedAt: state.startedAt,
		subnet: labNetwork.cidr,
		bridgeIp: labNetwork.bridgeIp,
		vip: labNetwork.vip,
		keyFile: state.keyFile,
		securityProxied: state.securityProxied,
		packageCache: {address: `${labNetwork.bridgeIp}:${labNetwork.packageCachePort}`, ...(cacheAlive && state.packageCache.pid ? {pid: state.packageCache.pid} : {}), alive: cacheAlive},
		packages: state.packageSource === 'bundle' && state.bundle ? {source: 'bundle', bundle: state.bundle} : {source: 'mirror'},
		hosts,
	};
}

/**
 * Undoes a lab: from its state when there is one, and by name for what an
 * interrupted run made but never recorded (systemd-nspawn and apt-cacher-ng
 * started with the lab's own directories, mounts under the lab directory,
 * namespaces and links named pgha-). Returns what it found.
 */
async function teardown(paths: LabPaths, state: LabState | undefined, log: LabLog): Promise<string[]> {
	const found: string[] = [];
	if (state) {
		await Promise.all(
			state.hosts.map(async host => {
				const started = Date.now();
				const outcome = await stopProcess(host.pid, nspawnMatch(host.name, hostPaths(paths, host.name).root));
				if (outcome !== 'not-running') log(`lab: ${host.name} ${outcome === 'killed' ? 'killed after the shutdown timed out' : 'shut down'} (${seconds(Date.now() - started)})`);
			}),
		);
		if (await stopPackageCache(paths, state.packageCache.pid)) log('lab: package cache stopped');
	}
	const strayHosts = await findProcesses(anyLabNspawnMatch(paths.hostsDir));
	await Promise.all(strayHosts.map(pid => stopProcess(pid, anyLabNspawnMatch(paths.hostsDir))));
	found.push(...strayHosts.map(pid => `systemd-nspawn pid ${pid}`));
	const strayCaches = await findProcesses(packageCacheMatch(paths));
	for (const pid of strayCaches) await stopProcess(pid, packageCacheMatch(paths), 10_000);
	found.push(...strayCaches.map(pid => `apt-cacher-ng pid ${pid}`));

	const unmounted = await unmountUnder(paths.stateDir);
	if (!state) found.push(...unmounted.map(target => `mount ${target}`));

	const namespaces = new Set([...(state?.hosts.map(h => netnsName(h.name)) ?? []), ...(await listNetns()).filter(isLabNetName)]);
	for (const ns of namespaces) {
		if (!(await listNetns()).includes(ns)) continue;
		const orphans = await killNetnsProcesses(`/run/netns/${ns}`);
		if (orphans > 0) found.push(`${orphans} process(es) in ${ns}`);
		if (!state) found.push(`namespace ${ns}`);
		await deleteNetns(ns);
	}
	for (const link of (await listLinks()).filter(isLabNetName)) {
		if (!state) found.push(`link ${link}`);
		await deleteLink(link);
	}

	const left = mountsUnder(await currentMounts(), paths.stateDir);
	if (left.length > 0) throw new UserError(`could not unmount ${left.map(m => m.target).join(', ')}; nothing was deleted under ${paths.stateDir}`);
	await run('rm', ['-rf', '--one-file-system', '--', paths.stateDir]);
	if (found.length > 0) log(`lab: removed leftovers of an interrupted run: ${found.join(', ')}`);
	return found;
}

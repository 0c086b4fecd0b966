import {readFile, readdir, readlink, stat} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';

/** Tells whether a process's argv is the one the lab started (pids get reused). */
export type ArgvMatch = (argv: readonly string[]) => boolean;

/** The argv of a live process, or undefined when it is gone or a zombie. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
	try {
		const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
		// The state letter follows the command name, which may itself hold spaces and parentheses.
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		if (state === 'Z' || state === 'X') return undefined;
		const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
		const argv = cmdline.split('\0');
		if (argv.at(-1) === '') argv.pop();
		return argv.length > 0 ? argv : undefined;
	} catch {
		return undefined;
	}
}

/** True when pid is alive and still runs what the lab started there. */
export async function isOurProcess(pid: number | undefined, match: ArgvMatch): Promise<boolean> {
	if (!pid) return false;
	const argv = await processArgv(pid);
	return argv !== undefined && match(argv);
}

/** Parent pid of every live process. */
async function parentMap(): Promise<Map<number, number>> {
	const parents = new Map<number, number>();
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			parents.set(Number(entry), Number(fields[1]));
		} catch {
			// It ended while we looked.
		}
	}
	return parents;
}

/** The direct children of a process. */
export async function childrenOf(pid: number): Promise<number[]> {
	const parents = await parentMap();
	return [...parents].filter(([, parent]) => parent === pid).map(([child]) => child);
}

/** Live processes whose argv matches: for finding what an interrupted run started but never recorded. */
export async function findProcesses(match: ArgvMatch): Promise<number[]> {
	const found: number[] = [];
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		const argv = await processArgv(Number(entry));
		if (argv && match(argv)) found.push(Number(entry));
	}
	return found;
}

/** How a process ended. */
export type StopOutcome = 'not-running' | 'stopped' | 'killed';

/**
 * Ends one process the lab started: SIGTERM (systemd-nspawn -b turns it into
 * an orderly shutdown of the container), then SIGKILL after graceMs. Before
 * SIGKILL its children go first: a container's PID 1 would otherwise outlive
 * systemd-nspawn.
 */
export async function stopProcess(pid: number | undefined, match: ArgvMatch, graceMs = 20_000): Promise<StopOutcome> {
	if (!pid || !(await isOurProcess(pid, match))) return 'not-running';
	signal(pid, 'SIGTERM');
	if (await waitForExit(pid, graceMs)) return 'stopped';
	if (!(await isOurProcess(pid, match))) return 'stopped';
	for (const child of await childrenOf(pid)) signal(child, 'SIGKILL');
	signal(pid, 'SIGKILL');
	if (!(await waitForExit(pid, 5_000))) throw new Error(`process ${pid} did not end after SIGKILL`);
	return 'killed';
}

/** Resolves true once the process is gone (or a zombie), false after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!(await processArgv(pid))) return true;
		await sleep(100);
	}
	return !(await processArgv(pid));
}

function signal(pid: number, name: NodeJS.Signals): void {
	try {
		process.kill(pid, name);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
	}
}

/**
 * Processes inside a network namespace (named by its file, e.g.
 * /run/netns/pgha-node1). A container whose systemd-nspawn was killed keeps
 * running as an orphan; being in a lab namespace is what marks it as the lab's.
 */
export async function processesInNetns(nsFile: string): Promise<number[]> {
	let inode: number;
	try {
		inode = (await stat(nsFile)).ino;
	} catch {
		return [];
	}
	const found: number[] = [];
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const link = await readlink(`/proc/${entry}/ns/net`).catch(() => '');
		if (link === `net:[${inode}]` && (await processArgv(Number(entry)))) found.push(Number(entry));
	}
	return found;
}

/** Kills every process in a lab network namespace; returns how many there were. */
export async function killNetnsProcesses(nsFile: string): Promise<number> {
	const pids = await processesInNetns(nsFile);
	for (const pid of pids) signal(pid, 'SIGKILL');
	for (const pid of pids) await waitForExit(pid, 5_000);
	return pids.length;
}

/** Kills a process and everything below it (SIGKILL, children first); returns how many there were. */
export async function killTree(pid: number): Promise<number> {
	const parents = await parentMap();
	const tree = [pid];
	for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
	for (const member of tree.reverse()) signal(member, 'SIGKILL');
	for (const member of tree) await waitForExit(member, 5_000);
	return tree.length;
}

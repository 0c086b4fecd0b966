import {spawn} from 'node:child_process';
import {open, readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import type {HostPaths} from './paths.js';
import {isOurProcess, type ArgvMatch} from './processes.js';
import {sshExec} from './ssh.js';
import {shQuote} from '../transport/quote.js';
import {netnsName} from './topology.js';

/**
 * The systemd-nspawn command line of a host. --register=no and --keep-unit
 * because the machine has no system bus; CAP_NET_ADMIN and CAP_NET_RAW for
 * Keepalived (VIP, VRRP); CAP_SYS_NICE for PostgreSQL and Patroni. resolv.conf
 * is the host's own (no DNS), never the machine's.
 */
export function nspawnArgs(name: string, root: string): string[] {
	return [
		'-D',
		root,
		`--network-namespace-path=/run/netns/${netnsName(name)}`,
		`--machine=${name}`,
		'--register=no',
		'--keep-unit',
		'--capability=CAP_NET_ADMIN,CAP_NET_RAW,CAP_SYS_NICE',
		'--resolv-conf=off',
		'--console=read-only',
		'-b',
	];
}

/** The environment systemd-nspawn runs with: /proc/sys/net writable, so sysctl net.* works inside. */
export function nspawnEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	return {...env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network'};
}

/** Recognises a host's systemd-nspawn by its machine name and root. */
export function nspawnMatch(name: string, root: string): ArgvMatch {
	return argv => (argv[0] ?? '').endsWith('systemd-nspawn') && argv.includes(`--machine=${name}`) && argv.includes(root);
}

/** Recognises any systemd-nspawn the lab started: its root lies in the lab's hosts directory. */
export function anyLabNspawnMatch(hostsDir: string): ArgvMatch {
	return argv => (argv[0] ?? '').endsWith('systemd-nspawn') && argv.some(arg => arg.startsWith(`${hostsDir}/`));
}

/** Starts a host's systemd-nspawn detached, its console appended to a log; returns the pid. */
export async function startNspawn(name: string, host: HostPaths): Promise<number> {
	const console = await open(host.console, 'a');
	try {
		const child = spawn('systemd-nspawn', nspawnArgs(name, host.root), {
			detached: true,
			stdio: ['ignore', console.fd, console.fd],
			env: nspawnEnv(),
		});
		child.on('error', () => undefined);
		child.unref();
		if (!child.pid) throw new Error(`systemd-nspawn for ${name} did not start`);
		return child.pid;
	} finally {
		await console.close();
	}
}

/** How a host came up. */
export type BootResult = {state: 'running' | 'degraded'; failedUnits: string[]};

/**
 * Waits until the host answers SSH and systemd has finished booting. Fails
 * early, with the end of the console, when systemd-nspawn exits.
 */
export async function waitForBoot(name: string, ip: string, keyFile: string, pid: number, host: HostPaths, timeoutMs = 120_000): Promise<BootResult> {
	const deadline = Date.now() + timeoutMs;
	const match = nspawnMatch(name, host.root);
	let last = 'no answer yet';
	let retried = false;
	while (Date.now() < deadline) {
		if (!(await isOurProcess(pid, match))) throw new Error(`${name} stopped while booting: ${await consoleTail(host)}`);
		const left = Math.max(5_000, deadline - Date.now());
		const result = await sshExec(ip, keyFile, 'systemctl is-system-running --wait', left).catch(() => undefined);
		const state = result?.stdout.trim() ?? '';
		if (state === 'running') return {state, failedUnits: []};
		if (state === 'degraded') {
			const failed = await sshExec(ip, keyFile, 'systemctl list-units --failed --plain --no-legend --no-pager');
			const units = failed.stdout.split('\n').map(line => line.trim().split(/\s+/)[0] ?? '').filter(Boolean);
			// A unit can fail at boot only because its neighbours' boots starve it of CPU (seen: systemd-user-sessions): started once more, it has a fair chance.
			if (!retried && units.length > 0) {
				retried = true;
				await sshExec(ip, keyFile, `systemctl reset-failed; systemctl start ${units.map(shQuote).join(' ')}`, left).catch(() => undefined);
				continue;
			}
			return {state, failedUnits: units};
		}
		if (state) last = `systemd says ${state}`;
		else if (result) last = result.stderr.trim() || `ssh exit ${result.code}`;
		await sleep(300);
	}
	throw new Error(`${name} (${ip}) did not finish booting within ${timeoutMs / 1000} s (${last}); console: ${await consoleTail(host)}`);
}

async function consoleTail(host: HostPaths): Promise<string> {
	const text = await readFile(host.console, 'utf8').catch(() => '');
	const lines = text
		.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
		.split('\n')
		.map(line => line.trim())
		.filter(Boolean);
	return lines.length > 0 ? `${lines.slice(-4).join(' | ')} (full log: ${host.console})` : `see ${host.console}`;
}

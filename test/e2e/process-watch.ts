import {spawn, type ChildProcess} from 'node:child_process';
import {expect} from 'vitest';
import type {LabAnswers} from './helpers.js';

/*
 * A secret on a command line is visible to every user of that host for as
 * long as the process runs, and gone when it ends: a process list read after
 * pgha has finished proves nothing. This samples `ps` on every lab host (and
 * on this machine, where pgha runs) about twice a second WHILE a command runs.
 * The secrets never leave this process: the hosts send their lists here.
 */

const marker = '--pgha-sample--';
const everySeconds = 0.5;
/** A watch that is never stopped still ends: each host's loop stops itself after this long. */
const boundSeconds = 45 * 60;

/** What a watch saw: samples taken per host, and every process line that held a secret (the secret masked). */
export type WatchReport = {samples: Record<string, number>; leaks: string[]};

export type ProcessWatch = {stop: () => Promise<WatchReport>};

/** The secrets of a lab answer file, by a name for messages. */
export function secretsOf(answers: LabAnswers, extra: Record<string, string> = {}): Record<string, string> {
	return {...Object.fromEntries(Object.entries(answers.passwords).map(([key, value]) => [`passwords.${key}`, value])), ...extra};
}

/** Starts sampling every host of `answers` (and this machine) for `secrets` until stop() is called. */
export function watchProcesses(answers: LabAnswers, secrets: Record<string, string>): ProcessWatch {
	const entries = Object.entries(secrets).filter(([, value]) => value.length > 0);
	const samples: Record<string, number> = {};
	const leaks: string[] = [];
	const children = new Set<ChildProcess>();
	let stopped = false;

	const scan = (host: string, list: string) => {
		samples[host] = (samples[host] ?? 0) + 1;
		for (const line of list.split('\n'))
			for (const [name, value] of entries)
				if (line.includes(value)) leaks.push(`${host}: ${name} on a command line: ${line.replaceAll(value, '***').slice(0, 300)}`);
	};

	/** One SSH session per host runs the sampling loop there; it reconnects when the host comes back. */
	const watchHost = async (host: {name: string; ip: string}) => {
		const script = `end=$(($(date +%s) + ${boundSeconds})); while [ "$(date +%s)" -lt "$end" ]; do ps -ww -eo args; echo '${marker}'; sleep ${everySeconds}; done`;
		while (!stopped) {
			await new Promise<void>(resolve => {
				const child = spawn(
					'ssh',
					['-i', answers.ssh.identityFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=3', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=2', '-o', 'ServerAliveCountMax=3', `root@${host.ip}`, script],
					{stdio: ['ignore', 'pipe', 'ignore']},
				);
				children.add(child);
				let pending = '';
				child.stdout!.on('data', (chunk: Buffer) => {
					pending += chunk.toString();
					const parts = pending.split(`${marker}\n`);
					pending = parts.pop() ?? '';
					for (const list of parts) scan(host.name, list);
				});
				child.on('close', () => {
					children.delete(child);
					resolve();
				});
			});
			// The host is off or restarting: try again shortly.
			if (!stopped) await new Promise(resolve => setTimeout(resolve, 1_000));
		}
	};

	const watchHere = async () => {
		while (!stopped) {
			await new Promise<void>(resolve => {
				const child = spawn('ps', ['-ww', '-eo', 'args'], {stdio: ['ignore', 'pipe', 'ignore']});
				children.add(child);
				let out = '';
				child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
				child.on('close', code => {
					children.delete(child);
					if (code === 0) scan('this machine', out);
					resolve();
				});
			});
			await new Promise(resolve => setTimeout(resolve, everySeconds * 1_000));
		}
	};

	const loops = [...answers.hosts.map(watchHost), watchHere()];
	let report: Promise<WatchReport> | undefined;
	return {
		stop() {
			report ??= (async () => {
				stopped = true;
				for (const child of children) child.kill('SIGTERM');
				await Promise.all(loops);
				return {samples, leaks};
			})();
			return report;
		},
	};
}

/**
 * Asserts a watch saw no secret, and that it really watched: at least
 * `minSamples` process lists from each host of `hosts` and from this machine.
 */
export function expectNoSecretSeen(report: WatchReport, hosts: string[], minSamples = 2): void {
	expect(report.leaks, 'secrets on command lines').toEqual([]);
	for (const host of [...hosts, 'this machine']) expect(report.samples[host] ?? 0, `process lists sampled on ${host}`).toBeGreaterThanOrEqual(minSamples);
}

/** Runs `command` while watching every host's processes for `secrets`; fails if one was seen. */
export async function watched<T>(answers: LabAnswers, secrets: Record<string, string>, command: () => Promise<T>, hosts = answers.hosts.map(h => h.name)): Promise<T> {
	const watch = watchProcesses(answers, secrets);
	const result = await command().finally(() => watch.stop());
	expectNoSecretSeen(await watch.stop(), hosts);
	return result;
}

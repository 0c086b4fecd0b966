import {readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Answers} from '../answers/schema.js';
import {secretValues} from '../answers/secrets.js';
import {connectAll} from '../engine/connect.js';
import {redactor} from '../engine/run-log.js';
import {UsageError, UserError} from '../errors.js';
import {pendingUndoScript} from '../failover/faults.js';
import {judgeCluster, type Finding} from '../health/judge.js';
import {observeCluster} from '../health/observe.js';
import {caCertPath} from '../keys/store.js';
import type {HostConnection} from '../transport/ssh.js';
import type {Flags, Io} from './context.js';
import {resolveCluster} from './resolve-cluster.js';

/** A saved cluster with a connection to every host and the CA its clients trust: what switchover and the drills work on. */
export type LiveCluster = {answers: Answers; connections: Map<string, HostConnection>; ca: string; redact: (text: string) => string; close: () => void};

// What failing over depends on; an old backup or a certificate due for renewal does not make a drill unsafe.
const needed = [/^etcd /, /^Patroni/, /^PgBouncer/, /^VIP /, /^HAProxy/];
const settleMs = 30_000;

/**
 * Connects to every host of the cluster and refuses (exit 1, nothing
 * changed) unless etcd, Patroni, PgBouncer, the VIP and HAProxy are all
 * healthy and no earlier drill is still being undone on a host.
 */
export async function openHealthyCluster(flags: Flags, io: Io, what: string): Promise<LiveCluster> {
	const {answers} = await resolveCluster(flags, io);
	const redact = redactor(secretValues(answers));
	const path = caCertPath(answers, io.env);
	const ca = await readFile(path, 'utf8').catch(() => {
		throw new UserError(`${path} (the cluster CA clients check the VIP's certificate with) cannot be read; bring the cluster's keys directory to this machine`);
	});
	const connections = await connectAll(answers, answers.hosts, io.connect, io.env);
	const close = () => {
		for (const conn of connections.values()) conn.close();
	};
	try {
		// A cluster just changed (a switchover, a rejoin) settles within moments: give it up to 30 s before refusing.
		let wrong: Finding[] = [];
		for (const deadline = Date.now() + settleMs; ; ) {
			const findings = judgeCluster(answers, await observeCluster(answers, connections));
			wrong = findings.filter(f => !f.ok && needed.some(re => re.test(f.name)));
			if (wrong.length === 0 || Date.now() > deadline) break;
			await sleep(2_000);
		}
		const pending = (
			await Promise.all([...connections].map(async ([host, conn]) => ((await conn.run(pendingUndoScript, {check: false})).stdout.trim() ? [host] : [])))
		).flat();
		const problems = [
			...wrong.map(f => `${f.name}: ${f.evidence}`),
			...pending.map(host => `${host} still has an earlier drill's fault armed to undo itself (systemctl list-timers 'pgha-drill-undo-*'); wait for it to fire`),
		];
		if (problems.length > 0) throw new UserError(`the cluster is not healthy enough for ${what}; nothing was changed:\n  ${redact(problems.join('\n  '))}\nRun \`pgha repair\`, then try again.`);
		return {answers, connections, ca, redact, close};
	} catch (error) {
		close();
		throw error;
	}
}

/** Refuses a command that changes the cluster without a terminal to confirm on, unless --yes. */
export function requireConfirmable(flags: Flags, io: Io, command: string): void {
	if (!flags.yes && !io.interactive) throw new UsageError(`${command} changes the cluster; pass --yes to run it without a terminal`);
}

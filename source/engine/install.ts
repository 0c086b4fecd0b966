import type {Answers, AnswersInput} from '../answers/schema.js';
import {secretValues} from '../answers/secrets.js';
import {recordHostKeys, saveCluster} from '../answers/store.js';
import type {HostConnection} from '../transport/ssh.js';
import {connectAll, fingerprints} from './connect.js';
import type {EventSink, PhaseName} from './events.js';
import {buildPhases} from './phases.js';
import {runPhases, type RunOutcome} from './runner.js';
import {RunLog, redactor} from './run-log.js';
import type {Phase, RunContext} from './step.js';
import {verifyCluster} from './verify.js';

export type RunRequest = {
	answers: Answers;
	/** The answers as given (with ${ENV} references), saved under the cluster's name. */
	raw: AnswersInput;
	emit: EventSink;
	signal?: AbortSignal;
	env?: NodeJS.ProcessEnv;
	/** Phases to run; the whole install when left out. */
	phases?: (answers: Answers) => Phase[];
	/** Run the verify checks after the phases (default true). */
	verify?: boolean;
};

export type RunResult = RunOutcome & {logFile: string; verified?: boolean};

/**
 * One convergent apply: connect, preflight, every phase, verify. The same call
 * installs, resumes a failed install and repairs, because every step checks first.
 * Every event goes to the log file; secrets are redacted from both.
 */
export async function applyCluster(request: RunRequest): Promise<RunResult> {
	const {answers, env = process.env} = request;
	const secrets = secretValues(answers);
	const log = new RunLog(answers.cluster.name, secrets, env);
	const redact = redactor(secrets);
	const emit: EventSink = event => {
		const safe = JSON.parse(redact(JSON.stringify(event))) as typeof event;
		log.write(safe);
		request.emit(safe);
	};
	const phases = (request.phases ?? buildPhases)(answers);
	const all: PhaseName[] = [...phases.map(p => p.name), ...(request.verify === false ? [] : (['verify'] as const))];
	emit({type: 'run-started', cluster: answers.cluster.name, hosts: answers.hosts.map(h => ({name: h.name, roles: h.roles})), phases: all, logFile: log.path, at: Date.now()});
	let connections: Map<string, HostConnection> | undefined;
	try {
		try {
			connections = await connectAll(answers);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			emit({type: 'step-failed', host: 'pgha', phase: 'preflight', step: 'connect', error: message, output: [], at: Date.now()});
			emit({type: 'run-finished', ok: false, changed: 0, unchanged: 0, logFile: log.path, at: Date.now()});
			return {ok: false, changed: 0, unchanged: 0, logFile: log.path, failed: {host: 'pgha', phase: 'preflight', step: 'connect'}};
		}
		const context: RunContext = {answers, facts: new Map(), connections, shared: new Map(), signal: request.signal ?? new AbortController().signal};
		const [preflight, ...rest] = phases;
		let outcome = await runPhases(preflight ? [preflight] : [], context, emit);
		if (outcome.ok) {
			// Saved once preflight passed, so a failed install can be resumed with --cluster.
			saveCluster({...request.raw, ssh: {...request.raw.ssh, hostKeys: {...request.raw.ssh?.hostKeys, ...fingerprints(connections)}}} as AnswersInput, env);
			recordHostKeys(answers.cluster.name, fingerprints(connections), env);
			const more = await runPhases(rest, context, emit);
			outcome = {ok: more.ok, changed: outcome.changed + more.changed, unchanged: outcome.unchanged + more.unchanged, failed: more.failed};
		}
		let verified: boolean | undefined;
		if (outcome.ok && request.verify !== false) {
			emit({type: 'phase-started', phase: 'verify', hosts: [], at: Date.now()});
			verified = await verifyCluster(answers, connections, emit);
			emit({type: 'phase-finished', phase: 'verify', ok: verified, at: Date.now()});
			outcome.ok = verified;
		}
		emit({type: 'run-finished', ok: outcome.ok, changed: outcome.changed, unchanged: outcome.unchanged, logFile: log.path, at: Date.now()});
		return {...outcome, logFile: log.path, verified};
	} finally {
		for (const conn of connections?.values() ?? []) conn.close();
		await log.close();
	}
}

/** Runs only the verify checks against a cluster. */
export async function verifyOnly(answers: Answers, emit: EventSink): Promise<boolean> {
	const connections = await connectAll(answers);
	try {
		return await verifyCluster(answers, connections, emit);
	} finally {
		for (const conn of connections.values()) conn.close();
	}
}


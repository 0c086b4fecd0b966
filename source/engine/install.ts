import type {Answers, AnswersInput} from '../answers/schema.js';
import {secretValues} from '../answers/secrets.js';
import {readCluster, recordHostKeys, saveCluster} from '../answers/store.js';
import {hostsWithRole} from '../answers/hosts.js';
import type {PhaseName, ScheduleOptions} from '../phases.js';
import type {HostConnection} from '../transport/ssh.js';
import type {Finding} from '../health/judge.js';
import {settledFindings, verifyCluster} from '../health/verify.js';
import type {RunContext} from '../../recipes/kit/step.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {patroniMembers} from '../../recipes/postgres/probes.js';
import {connectAll, connectSome, expectedHostKeys, keysToRecord, type Connector} from './connect.js';
import type {EventSink} from '../app/events.js';
import {buildPhases, buildRestorePhases, buildUpgradePhases, type Phase} from './phases.js';
import type {RestoreRun} from '../restore/run.js';
import {readJournal} from '../restore/journal.js';
import {runPhases, type RunMode, type RunOutcome} from './runner.js';
import {loggedSink, redactedSink, redactValue} from './run-log.js';
import type {ClusterKeys} from '../keys/cluster-keys.js';
import {completeAnswers, keysDir, prepareKeys, type PreparedKeys} from '../keys/store.js';
import {trustedCaPaths} from '../../recipes/index.js';
import {shQuote} from '../transport/quote.js';
import {installedPins, openCheckedBundle} from './package-source.js';

export type RunRequest = {
	answers: Answers;
	/** The answers as given (with ${ENV} references), saved under the cluster's name. */
	raw: AnswersInput;
	emit: EventSink;
	signal?: AbortSignal;
	env?: NodeJS.ProcessEnv;
	/** apply (install, repair) or check (report drift only). */
	mode?: RunMode;
	/** Run the verify checks after the phases (default: in apply mode). */
	verify?: boolean;
	/** Carry on without hosts that do not answer, reporting them (repair); install refuses instead. */
	skipUnreachable?: boolean;
	/** How to reach the hosts; SSH when absent. */
	connect?: Connector;
	/**
	 * Judge the cluster's health after the phases, on the same connections
	 * (repair): at once, or waiting up to `settleMs` for it to settle.
	 */
	judge?: {settleMs: number};
	/** More values the run's events and log must hide: a rotated password's old value, which the answers no longer hold. */
	redact?: string[];
	/** Restore the cluster from its repository instead of installing it (pgha restore). */
	restore?: RestoreRun;
	/** Move the cluster to the answers' pinned versions one host at a time in this order, instead of installing it (pgha upgrade). */
	upgrade?: {order: readonly string[]};
};

export type RunResult = RunOutcome & {logFile: string; verified?: boolean; unreachable: string[]; findings?: Finding[]};

/** Patroni's leader and members as the first answering PostgreSQL node sees them; empty before Patroni runs. */
async function livePatroni(answers: Answers, connections: Map<string, HostConnection>): Promise<ScheduleOptions> {
	const runOn = peerRun(connections);
	for (const host of hostsWithRole(answers, 'postgres')) {
		const run = runOn(host.name);
		if (!run) continue;
		const members = await patroniMembers(run).catch(() => []);
		if (members.length === 0) continue;
		return {leader: members.find(m => m.Role === 'Leader')?.Member, members: members.map(m => m.Member)};
	}
	return {};
}

/**
 * One convergent apply: connect, preflight, every phase, verify. The same call
 * installs, resumes a failed install, adds a replica and repairs, because every
 * step checks first; in check mode it only reports drift. On a live cluster the
 * replicas go before the leader, one at a time. Every event goes to the log file;
 * secrets are redacted from both.
 */
export async function applyCluster(request: RunRequest): Promise<RunResult> {
	const {env = process.env, mode = 'apply'} = request;
	// Passwords pgha generates (HAProxy's stats page) are made first, so they are redacted like the rest.
	const completed = completeAnswers(request.answers, request.raw, env);
	// The versions the cluster was pinned to stay pinned, whichever answers this run was given.
	const {answers, raw} = withSavedPins(completed.answers, completed.raw, env);
	// Refused before the run starts (exit 2): an answer file's key that contradicts the saved cluster's.
	const hostKeys = expectedHostKeys(answers, env);
	// A bundle is proven whole here, before any host is touched (exit 2 naming what is wrong).
	const bundle = await openCheckedBundle(answers);
	const {emit, log, redact} = loggedSink(answers.cluster.name, [...secretValues(answers), ...(request.redact ?? [])], env, request.emit);
	let announced = false;
	const started = (phases: PhaseName[]) => {
		if (announced) return;
		announced = true;
		emit({type: 'run-started', cluster: answers.cluster.name, hosts: answers.hosts.map(h => ({name: h.name, roles: h.roles})), phases, logFile: log.path, at: Date.now()});
	};
	const wantVerify = request.verify ?? mode === 'apply';
	// A refusal before any phase ran: reported as a failed preflight step of pgha itself.
	const refuse = (step: string, error: string): RunResult => {
		started(buildPhases(answers).map(p => p.name));
		emit({type: 'step-failed', host: 'pgha', phase: 'preflight', step, error, output: [], at: Date.now()});
		emit({type: 'run-finished', ok: false, changed: 0, unchanged: 0, logFile: log.path, at: Date.now()});
		return {ok: false, changed: 0, unchanged: 0, logFile: log.path, unreachable: [], failed: {host: 'pgha', phase: 'preflight', step}};
	};
	let connections = new Map<string, HostConnection>();
	try {
		const unfinished = request.restore ? undefined : readJournal(answers.cluster.name, env);
		if (unfinished)
			return refuse(
				'unfinished restore',
				`a restore of cluster ${answers.cluster.name} started at ${unfinished.startedAt} is unfinished, and this run would undo it half-way; nothing was changed. Run \`pgha restore --cluster ${answers.cluster.name}\` to finish it`,
			);
		// The hosts are reached while the keys are read: logging in changes nothing, and a refusal closes the connections again.
		const reaching = (
			request.skipUnreachable
				? connectSome(answers, answers.hosts, request.connect, env)
				: connectAll(answers, answers.hosts, request.connect, env).then(all => ({connections: all, unreachable: new Map<string, string>()}))
		).then(
			reached => ({reached}),
			(error: unknown) => ({error}),
		);
		let prepared: PreparedKeys;
		try {
			prepared = await prepareKeys(answers, env, {});
		} catch (error) {
			const done = await reaching;
			if ('reached' in done) for (const conn of done.reached.connections.values()) conn.close();
			return refuse('cluster keys', error instanceof Error ? error.message : String(error));
		}
		const {keys} = prepared;
		const done = await reaching;
		if ('error' in done) return refuse('connect', done.error instanceof Error ? done.error.message : String(done.error));
		connections = done.reached.connections;
		const unreachable = done.reached.unreachable;
		if (prepared.caIsNew) {
			const trusting = await hostsTrustingAnotherCa(connections, keys);
			if (trusting.length > 0)
				return refuse(
					'cluster CA',
					`${trusting.join(', ')} already trust${trusting.length === 1 ? 's' : ''} a cluster CA that this machine does not hold; nothing was changed. ` +
						`Copy ${keysDir(answers.cluster.name, env)} from the machine that installed the cluster, or give that CA in the answers (tls.caCert and tls.caKey)`,
				);
		}
		// Patroni's members are asked while preflight runs: preflight is the same whoever leads, and changes nothing.
		const asking = livePatroni(answers, connections);
		const reachable = request.skipUnreachable ? {reachable: new Set(connections.keys())} : {};
		const scheduled = request.restore
			? buildRestorePhases(answers, request.restore)
			: request.upgrade
				? buildUpgradePhases(answers, request.upgrade.order)
				: buildPhases(answers, reachable);
		const [preflight] = scheduled;
		started([...scheduled.map(p => p.name), ...(wantVerify ? (['verify'] as const) : [])]);
		for (const [host, reason] of unreachable) emit({type: 'host-skipped', host, phase: 'preflight', reason: `does not answer: ${reason}`, at: Date.now()});
		const context: RunContext = {answers, keys, facts: new Map(), identities: new Map(), proven: new Set(), connections, signal: request.signal ?? new AbortController().signal, ...(bundle ? {bundle} : {})};
		let outcome = await runPhases(preflight?.name === 'preflight' ? [preflight] : [], context, emit, mode);
		const live = await asking;
		const strangers = (live.members ?? []).filter(member => !answers.hosts.some(h => h.name === member));
		if (strangers.length > 0) {
			// Applying answers that lack a live member would drop it from pg_hba and HAProxy while it still runs.
			return refuse(
				'cluster members',
				`Patroni has member(s) ${strangers.join(', ')} that these answers do not list; nothing was changed. Use the saved answers (pgha install --cluster ${answers.cluster.name}) or add the host(s) to the answer file`,
			);
		}
		// On a live cluster the replicas go one at a time before the leader.
		const rest = (request.restore || request.upgrade ? scheduled : buildPhases(answers, {...live, ...reachable})).filter(p => p.name !== 'preflight');
		if (outcome.ok) {
			let saved = raw;
			if (mode === 'apply') {
				// Saved once preflight passed, so a failed install can be resumed with --cluster.
				prepared.save();
				// Keys are only added, for hosts that had none: every other host was checked against its key at connect.
				const pins = keysToRecord(hostKeys, connections);
				saved = {...raw, ssh: {...raw.ssh, hostKeys: pins}} as AnswersInput;
				saveCluster(saved, env);
				recordHostKeys(answers.cluster.name, pins, env);
			}
			// The versions the packages phase installed are pinned as soon as it ends, even if a later phase fails.
			const pinInstalled = async (phase: Phase) => {
				if (mode !== 'apply' || phase.name !== 'packages') return;
				const versions = await installedPins(answers, connections);
				if (JSON.stringify(versions) !== JSON.stringify(raw.packages?.versions ?? {})) saveCluster({...saved, packages: {...saved.packages, versions}} as AnswersInput, env);
			};
			const more = await runPhases(rest, context, emit, mode, pinInstalled);
			const sum = (a: number | undefined, b: number | undefined) => (a ?? 0) + (b ?? 0);
			outcome = {
				...more,
				changed: sum(outcome.changed, more.changed),
				unchanged: sum(outcome.unchanged, more.unchanged),
				drifted: sum(outcome.drifted, more.drifted) || undefined,
			};
			if (mode === 'apply') delete outcome.drifted;
		}
		let verified: boolean | undefined;
		if (outcome.ok && wantVerify && unreachable.size === 0) {
			emit({type: 'phase-started', phase: 'verify', hosts: [], at: Date.now()});
			// A run that changed nothing, or took a full backup (which waited for its WAL to reach the repository), proves
			// archiving from the archiver's own record instead of forcing a WAL switch and waiting for it again.
			const archivingShown = outcome.changed === 0 || context.proven?.has('archiving');
			verified = await verifyCluster(answers, connections, checkEvents(emit), {archiving: archivingShown ? 'archiver' : 'pgbackrest-check'});
			emit({type: 'phase-finished', phase: 'verify', ok: verified, at: Date.now()});
			outcome.ok = verified;
		}
		const findings = request.judge ? await settledFindings(answers, connections, request.judge.settleMs, unreachable) : undefined;
		emit({type: 'run-finished', ok: outcome.ok, changed: outcome.changed, unchanged: outcome.unchanged, logFile: log.path, at: Date.now()});
		// Findings quote what hosts report, so they leave the run redacted like its events.
		return {...outcome, logFile: log.path, verified, unreachable: [...unreachable.keys()], ...(findings ? {findings: redactValue(findings, redact)} : {})};
	} finally {
		for (const conn of connections.values()) conn.close();
		await log.close();
	}
}

/**
 * The answers with the saved cluster's pinned versions under their own (their
 * own win: a version written in the answers is a choice), in both forms.
 */
function withSavedPins(answers: Answers, raw: AnswersInput, env: NodeJS.ProcessEnv): {answers: Answers; raw: AnswersInput} {
	const saved = readCluster(answers.cluster.name, env)?.packages?.versions ?? {};
	if (Object.keys(saved).length === 0) return {answers, raw};
	const versions = {...saved, ...answers.packages.versions};
	return {answers: {...answers, packages: {...answers.packages, versions}}, raw: {...raw, packages: {...raw.packages, versions}}};
}

/**
 * Hosts whose services already trust a CA other than this one: a cluster
 * installed from another machine. Replacing its certificates from a new CA
 * would cut every client that holds the old one, so the run stops instead.
 */
async function hostsTrustingAnotherCa(connections: Map<string, HostConnection>, keys: ClusterKeys): Promise<string[]> {
	const found = await Promise.all(
		[...connections].map(async ([name, conn]) => {
			const out = await conn.run(`cat ${trustedCaPaths.map(shQuote).join(' ')} 2>/dev/null || true`, {check: false});
			return out.stdout.includes('BEGIN CERTIFICATE') && !out.stdout.includes(keys.caCert.trim()) ? name : undefined;
		}),
	);
	return found.filter((name): name is string => name !== undefined);
}

/** Each verify finding as a check event. */
const checkEvents = (emit: EventSink) => (finding: Finding) => emit({type: 'check', ...finding, at: Date.now()});

/**
 * Runs only the verify checks against a cluster, reaching its hosts over SSH
 * unless given another connector. Check evidence is read from the hosts and
 * may quote a config line holding a password, so it is redacted like a run's events.
 */
export async function verifyOnly(answers: Answers, emit: EventSink, connect?: Connector, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
	const connections = await connectAll(answers, answers.hosts, connect, env);
	try {
		return await verifyCluster(answers, connections, checkEvents(redactedSink(secretValues(answers), emit)));
	} finally {
		for (const conn of connections.values()) conn.close();
	}
}

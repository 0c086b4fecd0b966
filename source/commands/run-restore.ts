import {hostsWithRole} from '../answers/hosts.js';
import type {Answers, AnswersInput} from '../answers/schema.js';
import type {EngineEvent} from '../app/events.js';
import {connectSome} from '../engine/connect.js';
import {applyCluster} from '../engine/install.js';
import {exitCodes} from '../errors.js';
import {clearJournal, type RestoreJournal} from '../restore/journal.js';
import type {RestoreRun, SourceRepository} from '../restore/run.js';
import {describeTarget, targetFromKey} from '../restore/target.js';
import {restoreMarks} from '../../recipes/postgres/restore-steps.js';
import type {Io} from './context.js';
import {plainProgress} from './plain-progress.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs (or finishes) a recorded restore through the engine's phases, then forgets it once the cluster verified. */
export async function runRestore(answers: Answers, raw: AnswersInput, journal: RestoreJournal, io: Io, source?: SourceRepository): Promise<number> {
	const env = io.env;
	const run: RestoreRun = {
		id: journal.id,
		leader: journal.leader,
		backup: journal.backup,
		restoreOptions: journal.restoreOptions,
		target: describeTarget(targetFromKey(journal.target)),
		startedAt: new Date(journal.startedAt),
		...(source ? {source} : {}),
	};
	let ok: boolean;
	let logFile: string;
	let failed: string | undefined;
	let stoppedAt: number | undefined;
	let servingAt: number | undefined;
	// The write downtime is measured when this run stopped the writes: from the stop phase's start to the leader taking writes.
	let stopStarted: number | undefined;
	const watch = (event: EngineEvent) => {
		if (event.type === 'phase-started' && event.phase === 'restore-stop') stopStarted = event.at;
		if (event.type === 'step-finished' && event.phase === 'restore-stop' && event.changed) stoppedAt ??= stopStarted;
		if (event.type === 'phase-finished' && event.phase === 'postgres-leader' && event.ok) servingAt ??= event.at;
	};
	if (io.interactive) {
		const [{runApp}, {wizardServices}] = await Promise.all([import('../ui/run-app.js'), import('../engine/wizard-services.js')]);
		const services = wizardServices(env);
		const result = await runApp(services, {install: {input: raw, answers, restore: run}}).finally(() => services.dispose());
		if (result.kind !== 'installed') {
			if (result.kind === 'error') io.err(`pgha: ${result.message}`);
			return exitCodes.failed;
		}
		ok = result.ok;
		logFile = result.logFile;
	} else {
		const print = plainProgress(io, env['PGHA_VERBOSE'] === '1');
		const result = await applyCluster({
			answers,
			raw,
			env,
			connect: io.connect,
			restore: run,
			emit: event => {
				watch(event);
				print(event);
			},
		});
		ok = result.ok;
		logFile = result.logFile;
		failed = result.failed ? ` on ${result.failed.host} at "${result.failed.step}" (phase ${result.failed.phase})` : result.verified === false ? ': the cluster is restored but verify found failing checks' : '';
	}
	if (!ok) {
		const again = source ? `pgha restore --into FILE --cluster ${source.cluster}` : `pgha restore --cluster ${answers.cluster.name}`;
		io.err(`pgha: restore failed${failed ?? ''}.\n  Full log: ${logFile}\n  Fix the cause and run \`${again}\` again: it carries on from where it stopped.`);
		return exitCodes.failed;
	}
	clearJournal(answers.cluster.name, env);
	await removeMarks(answers, journal.id, io);
	const downtime = stoppedAt !== undefined && servingAt !== undefined ? `; writes were stopped for ${seconds(servingAt - stoppedAt)}` : '';
	io.out(
		source
			? `pgha: new cluster "${answers.cluster.name}" restored from backup ${journal.backup} of cluster ${source.cluster} to ${run.target}; ${journal.leader} leads, its own repository holds a first full backup, and every replica streams.`
			: `pgha: cluster "${answers.cluster.name}" restored to ${run.target} from backup ${journal.backup}; ${journal.leader} leads on a new timeline${downtime}. A fresh full backup was taken and every replica streams.`,
	);
	return exitCodes.ok;
}

/** The restore's marks on the nodes go once it is over; a node that does not answer keeps them (they name this restore only). */
async function removeMarks(answers: Answers, id: string, io: Io): Promise<void> {
	const {connections} = await connectSome(answers, hostsWithRole(answers, 'postgres'), io.connect, io.env);
	try {
		await Promise.all([...connections.values()].map(conn => conn.run(`rm -rf ${restoreMarks(id)}`, {check: false})));
	} finally {
		for (const conn of connections.values()) conn.close();
	}
}

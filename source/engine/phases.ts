import type {Answers, HostAnswers} from '../answers/schema.js';
import {hasRole} from '../answers/hosts.js';
import type {RestoreRun, SourceRepository} from '../restore/run.js';
import {schedulePhases, scheduleRestore, scheduleUninstall, scheduleUpgrade, type PhaseName, type ScheduledPhase, type ScheduleOptions} from '../phases.js';
import type {Component} from '../../recipes/kit/component.js';
import type {RunContext, Step} from '../../recipes/kit/step.js';
import {fileStep} from '../../recipes/kit/file-step.js';
import {componentFiles} from '../../recipes/index.js';
import {preflightSteps} from '../../recipes/host/preflight.js';
import {packageSteps} from '../../recipes/host/packages.js';
import {etcd} from '../../recipes/etcd/index.js';
import {etcdSteps} from '../../recipes/etcd/steps.js';
import {postgres} from '../../recipes/postgres/index.js';
import {parametersStep} from '../../recipes/postgres/parameters.js';
import {databaseStep, dcsSettingsStep, patroniFileSteps, patroniStartSteps, patroniSteps, rolePasswordsStep} from '../../recipes/postgres/steps.js';
import {
	acceptsWritesStep,
	archiveNowStep,
	clearDcsStep,
	emptyForRestoreStep,
	pgbackrestRestoreStep,
	recoverStep,
	sourceAccessRemovedStep,
	sourceAccessStep,
	sourceConfigPath,
	stopForRestoreStep,
} from '../../recipes/postgres/restore-steps.js';
import {pgbouncer} from '../../recipes/pgbouncer/index.js';
import {pgbouncerFileSteps, pgbouncerServiceStep} from '../../recipes/pgbouncer/steps.js';
import {haproxy} from '../../recipes/haproxy/index.js';
import {haproxySteps} from '../../recipes/haproxy/steps.js';
import {keepalived} from '../../recipes/keepalived/index.js';
import {keepalivedSteps} from '../../recipes/keepalived/steps.js';
import {restartStep} from '../failover/rolling-restart.js';
import {freshFullBackupStep, nodeSteps as pgbackrestNodeSteps, repositoryConfigSteps, repositorySteps, sshTrustFiles} from '../../recipes/pgbackrest/steps.js';
import {removeSteps, stopSteps, type HostRemoval} from '../../recipes/host/removal-steps.js';
import {upgradePackageSteps, upgradeRestartSteps} from '../upgrade/steps.js';

/** A named phase: which hosts it touches and the steps each one runs. */
export type Phase = {
	name: PhaseName;
	summary: string;
	hosts: string[];
	steps: (host: HostAnswers, run: RunContext) => Step[];
	/** Run hosts one after another instead of in parallel. */
	serial?: boolean;
	/** The earlier phases this one waits for on every host; absent: every earlier phase. */
	after?: readonly PhaseName[];
	/** The host's later phases go on beside this one; only those that name it in `after` wait for it. */
	alongside?: boolean;
};

/** A component's rendered files on a host, with the interface preflight found. */
function files(component: Component, answers: Answers, host: HostAnswers, run: Pick<RunContext, 'facts' | 'keys'>) {
	const iface = answers.network.interface ?? run.facts.get(host.name)?.interface ?? 'eth0';
	return componentFiles(component, answers, host, {interface: iface, keys: run.keys});
}

/** The steps each host phase runs: which components' steps, in what order. */
function stepsOf(name: Exclude<PhaseName, 'verify' | 'restore-stop' | 'restore-backup' | 'uninstall-stop' | 'uninstall-remove' | 'upgrade-packages' | 'upgrade'>, answers: Answers): Phase['steps'] {
	switch (name) {
		case 'preflight':
			return host => preflightSteps(host, answers);
		case 'packages':
			return host => packageSteps(host, answers);
		case 'prepare':
			return (host, run) => [...(hasRole(host, 'postgres') ? pgbouncerFileSteps(files(pgbouncer, answers, host, run)) : []), ...repositoryConfigSteps(answers, host)];
		case 'etcd':
			return (host, run) => etcdSteps(host, answers, files(etcd, answers, host, run));
		case 'postgres-leader':
		case 'postgres-replicas':
			// pgBackRest's node config first: Patroni archives and clones through it.
			return (host, run) => [...pgbackrestNodeSteps(answers, host), ...patroniSteps(host, files(postgres, answers, host, run))];
		case 'pgbouncer':
			// On the primary only, like the database: Patroni set its cluster settings and the roles' passwords once, at bootstrap;
			// a changed setting or a rotated password reaches the live cluster here.
			return (host, run) => [dcsSettingsStep(answers), parametersStep(answers), rolePasswordsStep(answers), databaseStep(answers, run.keys), pgbouncerServiceStep()];
		case 'balancers':
			return (host, run) => [...haproxySteps(files(haproxy, answers, host, run)), ...keepalivedSteps(answers, files(keepalived, answers, host, run))];
		case 'restart':
			return () => [restartStep(answers)];
		case 'backup':
			return (host, run) => [...sshTrustFiles(host, answers, run.identities).map(fileStep), ...(hasRole(host, 'backup') ? repositorySteps(answers, host) : [])];
	}
}

/** A scheduled phase with the steps its hosts run. */
function withSteps(p: ScheduledPhase, steps: Phase['steps'], summary = p.summary): Phase {
	return {name: p.name, summary, hosts: p.hosts, serial: p.serial || undefined, after: p.after, alongside: p.alongside, steps};
}

/** The install, as named phases in dependency order (verify runs after them). */
export function buildPhases(answers: Answers, options: ScheduleOptions = {}): Phase[] {
	return schedulePhases(answers, options).map(p => withSteps(p, stepsOf(p.name as Parameters<typeof stepsOf>[0], answers)));
}


/** The steps of a restore's phases; the phases it shares with an install run the install's steps. */
function restoreStepsOf(name: Exclude<PhaseName, 'verify'>, answers: Answers, restore: RestoreRun): Phase['steps'] {
	const nodeSteps = (host: HostAnswers, run: RunContext) => [...pgbackrestNodeSteps(answers, host), ...patroniFileSteps(files(postgres, answers, host, run))];
	switch (name) {
		case 'backup':
			return (host, run) => [...(hasRole(host, 'postgres') ? [archiveNowStep(restore.id)] : []), ...stepsOf('backup', answers)(host, run)];
		case 'restore-stop':
			return () => [stopForRestoreStep(restore.id)];
		case 'postgres-leader':
			return (host, run) => [
				...nodeSteps(host, run),
				clearDcsStep(answers, restore.id),
				pgbackrestRestoreStep(restore.id, restore.backup, restore.restoreOptions, {stanza: answers.cluster.name}),
				recoverStep(restore.id, restore.target),
				...patroniStartSteps(host),
				acceptsWritesStep(),
				// A restore to an older time brings older passwords back; the replicas stream with the saved ones.
				rolePasswordsStep(answers),
			];
		case 'restore-backup':
			return () => [freshFullBackupStep(answers, restore.startedAt)];
		case 'postgres-replicas':
			return (host, run) => [...nodeSteps(host, run), emptyForRestoreStep(restore.id), ...patroniStartSteps(host)];
		default:
			return stepsOf(name as Parameters<typeof stepsOf>[0], answers);
	}
}

/**
 * A new cluster restored from another cluster's repository: an install whose
 * leader, instead of a new database, gets the source's backup replayed to the
 * target; its own repository, backups and replicas then follow as in any install.
 */
function intoStepsOf(name: Exclude<PhaseName, 'verify'>, answers: Answers, restore: RestoreRun & {source: SourceRepository}): Phase['steps'] {
	if (name !== 'postgres-leader') return stepsOf(name as Parameters<typeof stepsOf>[0], answers);
	const {source} = restore;
	return (host, run) => [
		...pgbackrestNodeSteps(answers, host),
		...patroniFileSteps(files(postgres, answers, host, run)),
		sourceAccessStep(source, restore.id),
		pgbackrestRestoreStep(restore.id, restore.backup, restore.restoreOptions, {stanza: source.cluster, config: sourceConfigPath(source)}),
		recoverStep(restore.id, restore.target, {archive: false}),
		sourceAccessRemovedStep(source, restore.id),
		...patroniStartSteps(host),
		acceptsWritesStep(),
		rolePasswordsStep(answers),
	];
}

/** A restore, as named phases (verify runs after them). */
export function buildRestorePhases(answers: Answers, restore: RestoreRun): Phase[] {
	const {source} = restore;
	if (source)
		return schedulePhases(answers).map(p =>
			withSteps(
				p,
				intoStepsOf(p.name as Exclude<PhaseName, 'verify'>, answers, {...restore, source}),
				p.name === 'postgres-leader' ? `restored from the backup of cluster ${source.cluster}, promoted; Patroni leads` : p.summary,
			),
		);
	return scheduleRestore(answers, restore.leader).map(p => withSteps(p, restoreStepsOf(p.name as Exclude<PhaseName, 'verify'>, answers, restore)));
}

/** An uninstall, as named phases: each host's removal, decided by its plan, split into stopping and removing. */
export function buildUninstallPhases(answers: Answers, removals: ReadonlyMap<string, HostRemoval>): Phase[] {
	return scheduleUninstall(answers, [...removals.keys()]).map(p => withSteps(p, host => (p.name === 'uninstall-stop' ? stopSteps : removeSteps)(removals.get(host.name)!)));
}

/** An upgrade, as named phases: preflight and the new packages everywhere, then each host's restarts, one host at a time in the given order. */
export function buildUpgradePhases(answers: Answers, order: readonly string[]): Phase[] {
	return scheduleUpgrade(answers, order).map(p => withSteps(p, p.name === 'upgrade' ? upgradeRestartSteps : p.name === 'upgrade-packages' ? upgradePackageSteps : stepsOf('preflight', answers)));
}

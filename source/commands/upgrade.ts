import {homedir} from 'node:os';
import type {Answers, AnswersInput, HostAnswers} from '../answers/schema.js';
import {hasRole} from '../answers/hosts.js';
import {openBundle, verifyBundle, type OpenedBundle} from '../bundle/archive.js';
import {BundleError} from '../bundle/errors.js';
import {applyCluster} from '../engine/install.js';
import {bundleMismatches, clusterPackages} from '../engine/package-source.js';
import {UsageError, UserError, exitCodes} from '../errors.js';
import {createDrillTable, drillId, drillTable, storedCommits, vipTarget} from '../failover/drill.js';
import {lostCommits, writePause} from '../failover/measure.js';
import {planRestart} from '../failover/restart-plan.js';
import {switchoverFacts} from '../failover/switchover.js';
import {newerServer} from '../failover/rolling-restart.js';
import {startWriters} from '../failover/writers.js';
import {upgradeOrder} from '../upgrade/order.js';
import {describeUpgrade, hasWork, restartsFor, type HostUpgrade} from '../upgrade/plan.js';
import {bundleTargets, candidatesScript, downgradesScript, mergeCandidates, packageChanges, parseCandidates, type PackageChange, type Targets} from '../upgrade/targets.js';
import {debsForRoles} from '../bundle/manifest.js';
import {packagesIndexFor} from '../bundle/packages-index.js';
import {bundleSimulationScript, mirrorSimulationScript, parseSimulatedInstalls} from '../../recipes/host/apt-scripts.js';
import {hostServices, packagesFor} from '../../recipes/index.js';
import {installedPackages} from '../../recipes/host/packages.js';
import type {HostRun} from '../../recipes/kit/step.js';
import {peerRun} from '../../recipes/kit/peer-run.js';
import {staleUnits} from '../../recipes/kit/stale-units.js';
import {vipHolders} from '../../recipes/keepalived/probes.js';
import {psql, runningServerBuild} from '../../recipes/postgres/probes.js';
import type {Command, Io} from './context.js';
import {openHealthyCluster, requireConfirmable, type LiveCluster} from './live-cluster.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

const usage = 'pgha upgrade [--cluster NAME] [--bundle FILE] [--max-transaction-age SECONDS] [--yes] [--dry-run]';

/** By default, a transaction open longer than this on the leader refuses the upgrade: the switchover would cut it off. */
export const longTransactionSeconds = 300;

/** The --max-transaction-age limit in seconds; a usage error names a value that is not a whole number of seconds. */
export function transactionLimit(flag: string | undefined): number {
	if (flag === undefined) return longTransactionSeconds;
	if (!/^\d+$/.test(flag) || Number(flag) < 1) throw new UsageError(`--max-transaction-age must be a whole number of seconds, 1 or more (got "${flag}"), e.g. --max-transaction-age 600`);
	return Number(flag);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The bundle an upgrade takes its versions from, proven whole; its pins may differ from the cluster's (that is the point). */
async function checkedBundle(answers: Answers): Promise<OpenedBundle | undefined> {
	if (answers.packages.source !== 'bundle' || !answers.packages.bundle) return undefined;
	const file = answers.packages.bundle.replace(/^~(?=$|\/)/, homedir());
	const bundle = await openBundle(file);
	const unpinned = {...answers, packages: {...answers.packages, versions: {}}};
	const problems = [...bundleMismatches(unpinned, bundle), ...(await verifyBundle(bundle))];
	if (problems.length > 0) throw new BundleError(`the bundle ${file} cannot be used; nothing was changed:\n  ${problems.join('\n  ')}`);
	return bundle;
}

/** What each host's package source offers now, after refreshing its indexes. */
async function mirrorTargets(answers: Answers, runOn: (host: string) => HostRun | undefined, names: readonly string[]): Promise<Targets> {
	const byHost = new Map<string, Map<string, string>>();
	await Promise.all(
		answers.hosts.map(async host => {
			const mine = packagesFor(host);
			const result = await runOn(host.name)!(candidatesScript(mine), {quiet: true, check: false, timeoutMs: 600_000});
			if (result.code !== 0) throw new UserError(`${host.name}: its package indexes could not be refreshed (apt-get update); nothing was changed:\n  ${`${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-3).join('\n  ')}`);
			byHost.set(host.name, parseCandidates(result.stdout));
		}),
	);
	return mergeCandidates(byHost, names);
}

/**
 * What apt would change on a host to install its packages at the targets,
 * dependencies included, asked of apt itself with nothing changed: from the
 * bundle's index, or from the host's own (just refreshed) sources. apt's
 * complaint, when it could not, refuses the upgrade naming the host.
 */
async function simulated(host: HostAnswers, run: HostRun, packages: readonly string[], targets: ReadonlyMap<string, string>, bundle: OpenedBundle | undefined): Promise<PackageChange[]> {
	const pins = new Map(packages.flatMap(name => (targets.has(name) ? [[name, targets.get(name)!] as const] : [])));
	const result = bundle
		? await run(bundleSimulationScript(packages, pins, {show: true}), {stdin: packagesIndexFor(bundle.packagesIndex, new Set(debsForRoles(bundle.manifest, host.roles).debs.map(deb => deb.file))), quiet: true, check: false})
		: await run(mirrorSimulationScript(packages, pins), {quiet: true, check: false});
	if (result.code !== 0) throw new UserError(`${host.name}: apt could not install the new versions; nothing was changed:\n  ${`${result.stdout}\n${result.stderr}`.trim().split('\n').join('\n  ')}`);
	return parseSimulatedInstalls(result.stdout);
}

/** Each host's changes and restarts, read from the hosts. */
async function surveyHosts(answers: Answers, runOn: (host: string) => HostRun | undefined, targets: ReadonlyMap<string, string>, bundle: OpenedBundle | undefined): Promise<Map<string, HostUpgrade>> {
	const server = `postgresql-${answers.cluster.postgresVersion}`;
	const surveyed = await Promise.all(
		answers.hosts.map(async host => {
			const run = runOn(host.name)!;
			const packages = packagesFor(host);
			const installed = await installedPackages({run}, packages);
			const changes = packageChanges(packages, installed, targets);
			const older = (await run(downgradesScript(changes), {quiet: true, check: false})).stdout.split('\n').filter(Boolean);
			if (older.length > 0) {
				const what = changes.filter(c => older.includes(c.name)).map(c => `${c.name} ${c.to} is older than ${c.from}`);
				throw new UsageError(`${host.name}: ${what.join('; ')}, which is installed; pgha upgrade never downgrades, nothing was changed. Use a newer bundle or mirror`);
			}
			// What else apt moves with them (libpq5 with postgresql-15): listed in the plan too.
			const dependencies = changes.length > 0 ? (await simulated(host, run, packages, targets, bundle)).filter(c => !packages.includes(c.name)) : [];
			const services = hostServices(answers, host);
			const stale = await staleUnits(run, services);
			const build = hasRole(host, 'postgres') ? await runningServerBuild(run) : undefined;
			const have = installed.get(server);
			const serverStale = newerServer(build, have?.installed ? have.version : undefined) !== undefined;
			const restarts = restartsFor(services, changes, new Set(stale.keys()), {name: hasRole(host, 'postgres') ? server : '', stale: serverStale});
			return [host.name, {host, changes, dependencies, restarts}] as const;
		}),
	);
	return new Map(surveyed);
}

/** The transactions on the leader open longer than the limit, one line each (no query text: it may hold data). */
async function longTransactions(run: HostRun, limit: number): Promise<string[]> {
	const sql = `select pid, coalesce(usename, ''), coalesce(datname, ''), extract(epoch from now() - xact_start)::int from pg_stat_activity where xact_start is not null and backend_type = 'client backend' and pid <> pg_backend_pid() and now() - xact_start > interval '${limit} seconds' order by 4 desc;`;
	const result = await psql(run, sql);
	return result.stdout
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [pid, user, db, age] = line.split('|');
			return `a transaction of ${user} on database ${db} (pid ${pid}) has been open ${age} s`;
		});
}

/** The answers moved to the target versions, in both forms. */
function pinned(answers: Answers, raw: AnswersInput, targets: ReadonlyMap<string, string>): {answers: Answers; raw: AnswersInput} {
	const versions = Object.fromEntries(Object.entries({...answers.packages.versions, ...Object.fromEntries(targets)}).sort(([a], [b]) => a.localeCompare(b)));
	return {answers: {...answers, packages: {...answers.packages, versions}}, raw: {...raw, packages: {...raw.packages, versions}} as AnswersInput};
}

/**
 * `pgha upgrade [--cluster NAME] [--bundle FILE] [--yes] [--dry-run]`: a
 * minor upgrade of every package pgha installed to the versions the cluster's
 * package source offers (its mirror, or a newer bundle), one host at a time:
 * etcd members, the repository, the replicas, the leader after a switchover,
 * the balancers with the VIP holder last. Refused, nothing changed, while the
 * cluster is unhealthy, a replica lags or a long transaction runs. Writes
 * through VIP:5000 are measured throughout and their pause printed. The new
 * versions are pinned; a re-run finishes an upgrade that stopped.
 */
export const upgrade: Command = async (args, flags, io) => {
	if (args.length > 0) throw new UsageError(`upgrade takes no arguments (got "${args.join(' ')}"): ${usage}`);
	const limit = transactionLimit(flags.maxTransactionAge);
	if (!flags.dryRun) requireConfirmable(flags, io, 'upgrade');
	// The answers as saved (with their ${ENV} references), which the run saves again with the new pins.
	const {raw, answers: resolved} = await resolveCluster(flags, io);
	// A bundle that cannot serve is refused before any host is reached.
	const bundle = await checkedBundle(resolved);
	const cluster = await openHealthyCluster(flags, io, 'an upgrade');
	let closed = false;
	const close = () => {
		if (!closed) cluster.close();
		closed = true;
	};
	try {
		const {answers} = cluster;
		const runOn = peerRun(cluster.connections);
		const names = clusterPackages(answers);
		const source = bundle ? `the bundle ${bundle.file}` : "the Debian archives the hosts reach";
		const targets = bundle ? bundleTargets(bundle.manifest, names) : await mirrorTargets(answers, runOn, names);
		if (targets.problems.length > 0) throw new UserError(`the versions to upgrade to cannot be told; nothing was changed:\n  ${targets.problems.join('\n  ')}`);
		const hosts = await surveyHosts(answers, runOn, targets.versions, bundle);
		const {members, rows} = await switchoverFacts(answers, cluster.connections);
		const leader = members.find(m => m.Role === 'Leader')?.Member;
		const [vipHolder] = await vipHolders(answers, runOn);
		const order = upgradeOrder(answers, {...(leader ? {leader} : {}), ...(vipHolder ? {vipHolder} : {})});
		io.out(describeUpgrade({cluster: answers.cluster.name, source, vip: answers.network.vip, order, hosts, ...(leader ? {leader} : {}), ...(vipHolder ? {vipHolder} : {}), pins: targets.versions.size}).join('\n'));
		if (![...hosts.values()].some(hasWork)) {
			io.out(`pgha: cluster "${answers.cluster.name}" already runs the newest versions in ${source}; nothing to upgrade.`);
			return exitCodes.ok;
		}
		const refusals = await readiness(cluster, members, rows, leader, hosts, limit);
		if (refusals.length > 0) {
			io.err(`pgha: upgrade refused, nothing was changed:\n  ${cluster.redact(refusals.join('\n  '))}`);
			return exitCodes.failed;
		}
		if (flags.dryRun) return exitCodes.ok;
		if (!flags.yes) {
			const {confirm} = await import('./confirm.js');
			if (!(await confirm(`Upgrade "${answers.cluster.name}" one host at a time?`))) return exitCodes.failed;
		}
		close();
		return await runUpgrade(cluster, raw, order, targets.versions, io);
	} finally {
		close();
	}
};

/** Why the cluster may not be upgraded now: a replica behind or not streaming, a long transaction on the leader. */
async function readiness(cluster: LiveCluster, members: Awaited<ReturnType<typeof switchoverFacts>>['members'], rows: Awaited<ReturnType<typeof switchoverFacts>>['rows'], leader: string | undefined, hosts: ReadonlyMap<string, HostUpgrade>, limit: number): Promise<string[]> {
	const {answers} = cluster;
	const databaseMoves = [...hosts.values()].some(h => hasRole(h.host, 'postgres') && h.restarts.length > 0);
	if (!databaseMoves) return [];
	const plan = planRestart(members, rows, answers.patroni.maximumLagOnFailover);
	const problems = plan.ok ? [] : [...plan.problems];
	const run = leader ? peerRun(cluster.connections)(leader) : undefined;
	if (run) problems.push(...(await longTransactions(run, limit)).map(line => `${line}, longer than ${limit} s (--max-transaction-age): the switchover would end it; wait for it, end it (select pg_terminate_backend(pid)), or raise the limit`));
	return problems;
}

/** The upgrade itself: the convergent run with the upgrade's phases, while writers through VIP:5000 measure what clients saw. */
async function runUpgrade(cluster: LiveCluster, given: AnswersInput, order: readonly string[], targets: ReadonlyMap<string, string>, io: Io): Promise<number> {
	const {answers: base} = cluster;
	const {answers, raw} = pinned(base, given, targets);
	const target = vipTarget(answers, cluster.ca);
	const id = drillId();
	await createDrillTable(target);
	const writers = startWriters(target, {table: drillTable, run: id}, 2);
	const startedAt = Date.now();
	let outcome: {ok: boolean; logFile: string; failed?: {host: string; step: string}};
	let writerLog: Awaited<ReturnType<typeof writers.stop>>;
	const controller = new AbortController();
	const stop = () => controller.abort();
	try {
		if (io.interactive) {
			// On a terminal: the live panes of install, with the upgrade's phases.
			const [{runApp}, {wizardServices}] = await Promise.all([import('../ui/run-app.js'), import('../engine/wizard-services.js')]);
			const services = wizardServices(io.env);
			const result = await runApp(services, {install: {input: raw, answers, upgrade: {order}}}).finally(() => services.dispose());
			if (result.kind === 'error') io.err(`pgha: ${result.message}`);
			outcome = result.kind === 'installed' ? {ok: result.ok, logFile: result.logFile} : {ok: false, logFile: ''};
		} else {
			process.once('SIGINT', stop);
			outcome = await applyCluster({answers, raw, emit: plainProgress(io, io.env['PGHA_VERBOSE'] === '1'), signal: controller.signal, env: io.env, ...(io.connect ? {connect: io.connect} : {}), upgrade: {order}});
		}
	} finally {
		process.off('SIGINT', stop);
		writerLog = await writers.stop();
	}
	const pause = writePause(writerLog, startedAt);
	const lost = lostCommits(writerLog.commits, await storedCommits(target, id).catch(() => new Set<string>()));
	io.out(
		`upgrade: writes through ${answers.network.vip}:5000 during the upgrade: the longest pause ${seconds(pause.ms)}, ${writerLog.failures.length} statement(s) failed, ${lost.length === 0 ? 'no acknowledged write lost' : `${lost.length} acknowledged write(s) LOST`}`,
	);
	if (!outcome.ok) {
		io.err(`pgha: the upgrade stopped${outcome.failed ? ` (${outcome.failed.host} at "${outcome.failed.step}")` : ''}; run \`pgha upgrade --cluster ${answers.cluster.name} --yes\` again to finish it (what is done is not done twice).${outcome.logFile ? `\n  Full log: ${outcome.logFile}` : ''}`);
		return exitCodes.failed;
	}
	const moved = [...targets].filter(([name, version]) => base.packages.versions?.[name] !== version).map(([name, version]) => `${name} ${version}`);
	io.out(`pgha: cluster "${answers.cluster.name}" upgraded${moved.length > 0 ? ` (${moved.join(', ')})` : ''}; every host runs the new versions, verified.`);
	return lost.length === 0 ? exitCodes.ok : exitCodes.failed;
}

import type {Answers, HostAnswers} from '../answers/schema.js';
import {hasRole, hostsWithRole} from '../answers/hosts.js';
import {hostFootprint} from '../../recipes/host/footprint.js';
import type {HostRemoval} from '../../recipes/host/removal-steps.js';
import {locations} from '../../recipes/kit/locations.js';
import type {HostSurvey} from './survey.js';

/** What the person asked to delete besides pgha's own things. */
export type UninstallOptions = {wipeData: boolean; wipeBackups: boolean};

/** One host's part of the plan: the removal the steps carry out, and what stays, in words. */
export type HostPlan = {name: string; roles: string[]; removal: HostRemoval; keptPackages: Array<{name: string; why: string}>; stays: string[]};

/** The whole uninstall, decided before anything changes. */
export type UninstallPlan = {cluster: string; hosts: HostPlan[]; unreachable: Array<{name: string; why: string}>; problems: string[]; notes: string[]};

/**
 * The packages that are the stack itself. On a host that kept no record of
 * what it had before pgha, only these go: the general tools a role also
 * asks for (cron, socat, jq, ...) may well have been there first.
 */
export const stackPackages: readonly string[] = [
	'etcd-server',
	'etcd-client',
	'postgresql-15',
	'postgresql-client-15',
	'patroni',
	'python3-etcd',
	'pgbouncer',
	'pgbackrest',
	'haproxy',
	'keepalived',
];

// A purge that deletes data: etcd-server's postrm runs rm -rf /var/lib/etcd and deletes the etcd user.
const purgeDeletesData: Record<string, string> = {'etcd-server': locations.etcdDataDir};

const dataDescription: Record<string, string> = {
	[locations.pgDataDir]: "PostgreSQL's data",
	[locations.etcdDataDir]: "etcd's data (Patroni's cluster state)",
	[locations.pgbackrestRepoPath]: 'the pgBackRest repository: backups and WAL archive',
	[locations.pgbackrestLogDir]: "pgBackRest's logs",
};

/** One host's removal and what stays, from its recipes' footprint, the flags and what the host holds. Pure. */
export function planHost(answers: Answers, host: HostAnswers, survey: HostSurvey, options: UninstallOptions): HostPlan {
	const fp = hostFootprint(answers, host);
	const before = survey.before;
	const keptPackages: HostPlan['keptPackages'] = [];
	const goes: string[] = [];
	for (const name of fp.packages) {
		const known = survey.installed.includes(name) || survey.configOnly.includes(name);
		if (before?.includes(name)) keptPackages.push({name, why: 'there before pgha'});
		else if (!before && !stackPackages.includes(name)) keptPackages.push({name, why: 'a general tool; no record of what the host had before pgha'});
		else if (known) goes.push(name);
	}
	const keepsData = !options.wipeData && fp.data.length > 0;
	const removeOnly = goes.filter(name => !options.wipeData && purgeDeletesData[name] !== undefined && fp.data.includes(purgeDeletesData[name]!));
	// The marker and the record stay with kept data: they say whose data it is and what the host had before.
	const markers = keepsData ? [] : [locations.clusterMarker, locations.packagesBeforePgha];
	const wipe = [...(options.wipeData ? fp.data : []), ...(options.wipeBackups ? fp.backups : [])];
	const stays = [
		...(options.wipeData ? [] : fp.data).map(dir => `${dir} (${dataDescription[dir]}; --wipe-data deletes it)`),
		...(options.wipeBackups ? [] : fp.backups).map(dir => `${dir} (${dataDescription[dir]}; --wipe-backups deletes it)`),
		...(keepsData ? [`${locations.clusterMarker} (says the data above is cluster ${answers.cluster.name}'s)`] : []),
		...removeOnly.map(name => `the configuration of package ${name} (its purge would delete ${purgeDeletesData[name]})`),
	];
	return {
		name: host.name,
		roles: [...host.roles],
		removal: {
			units: fp.units,
			schedule: fp.schedule,
			purge: goes.filter(name => !removeOnly.includes(name)),
			removeOnly,
			...(before ? {installedByPgha: survey.installed.filter(name => !before.includes(name))} : {}),
			files: [...fp.files, ...markers],
			directories: fp.directories,
			emptyParents: fp.emptyParents,
			wipe,
			users: fp.users,
			sysctl: fp.files.includes(locations.sysctlConfig),
			markRepository: options.wipeData && !options.wipeBackups && fp.backups.length > 0,
		},
		keptPackages,
		stays,
	};
}

/**
 * The uninstall of a cluster: each reachable host's removal, the hosts that
 * did not answer (left for a re-run), what refuses the run (a host of
 * another cluster, a drill still to undo itself) and what stays for later. Pure.
 */
export function planUninstall(answers: Answers, surveys: ReadonlyMap<string, HostSurvey>, unreachable: ReadonlyMap<string, string>, options: UninstallOptions): UninstallPlan {
	const name = answers.cluster.name;
	const problems: string[] = [];
	const hosts: HostPlan[] = [];
	for (const host of answers.hosts) {
		const survey = surveys.get(host.name);
		if (!survey) continue;
		if (survey.marker && survey.marker !== name)
			problems.push(`${host.name} belongs to cluster "${survey.marker}" (${locations.clusterMarker}), not "${name}"; check the hosts in the answers, or uninstall "${survey.marker}" with its own answers`);
		for (const timer of survey.pendingDrill) problems.push(`${host.name} still has a failover drill's fault armed to undo itself (${timer}); wait for it to fire (systemctl list-timers 'pgha-drill-undo-*')`);
		hosts.push(planHost(answers, host, survey, options));
	}
	const notes: string[] = [];
	const keptData = options.wipeData ? [] : hosts.filter(h => hasRole(h, 'postgres') || hasRole(h, 'etcd'));
	if (keptData.length > 0)
		notes.push(
			`The data stays on ${keptData.map(h => h.name).join(', ')}: \`pgha install --cluster ${name}\` later starts this cluster again on it (nothing is initialised again); ` +
				`an install of another cluster there refuses it until \`pgha uninstall --cluster ${name} --wipe-data\` deletes it.`,
		);
	const repo = hostsWithRole(answers, 'backup')[0];
	if (repo && !options.wipeBackups)
		notes.push(
			options.wipeData
				? `The repository on ${repo.name} keeps the backups of a database that will no longer exist: an install refuses it until it is moved away or \`pgha uninstall --cluster ${name} --wipe-backups\` deletes it.`
				: `The repository on ${repo.name} keeps its backups; a later install of ${name} on the kept data archives into it again.`,
		);
	notes.push(`The saved cluster "${name}" stays (answers, secrets, CA and keys): \`pgha install --cluster ${name}\` installs it again; \`pgha answers remove ${name}\` forgets it.`);
	return {cluster: name, hosts, unreachable: [...unreachable].map(([host, why]) => ({name: host, why})), problems, notes};
}

/** The plan in lines, host by host: what stops, what goes, what stays. Pure. */
export function formatUninstallPlan(plan: UninstallPlan, options: UninstallOptions): string[] {
	const lines = [`uninstall: cluster "${plan.cluster}", ${plan.hosts.length} host(s)${options.wipeData ? ', data wiped' : ''}${options.wipeBackups ? ', backups wiped' : ''}`];
	for (const host of plan.hosts) {
		const r = host.removal;
		lines.push(`  ${host.name} (${host.roles.join(', ') || 'no roles'})`);
		if (r.units.length > 0) lines.push(`    stops: ${r.units.join(', ')}`);
		if (r.purge.length > 0) lines.push(`    purges: ${r.purge.join(' ')}${r.installedByPgha ? ', and the packages pgha brought in with them that nothing else needs' : ''}`);
		if (r.removeOnly.length > 0) lines.push(`    removes (configuration kept): ${r.removeOnly.join(' ')}`);
		lines.push(`    removes: ${r.files.length} files of pgha${r.directories.length > 0 ? `, ${r.directories.join(', ')}` : ''}${r.users.length > 0 ? `, user ${r.users.join(', ')}` : ''}`);
		if (r.wipe.length > 0) lines.push(`    wipes: ${r.wipe.join(', ')}`);
		for (const kept of host.keptPackages) lines.push(`    keeps: package ${kept.name} (${kept.why})`);
		for (const stay of host.stays) lines.push(`    keeps: ${stay}`);
	}
	for (const host of plan.unreachable) lines.push(`  ${host.name}: UNREACHABLE (${host.why}); nothing is done there: run the uninstall again once it answers`);
	return [...lines, ...plan.notes];
}

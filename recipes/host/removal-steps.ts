import type {Step, StepContext} from '../kit/step.js';
import {locations} from '../kit/locations.js';
import {shQuote} from '../../source/transport/quote.js';

/**
 * What an uninstall takes off one host, decided before anything changes (the
 * plan shows it): every list already holds only what pgha put there and the
 * run's flags allow to go.
 */
export type HostRemoval = {
	/** Units stopped and disabled, the VIP's first; etcd's is stopped last, in the remove phase. */
	units: string[];
	/** pgha's backup schedule and restore drill: gone first, so no backup starts while the rest goes. */
	schedule: string[];
	/** Packages purged: pgha installed them and nothing the host had before needs them. */
	purge: string[];
	/** Packages removed but not purged: their purge would delete data that stays (etcd-server deletes /var/lib/etcd). */
	removeOnly: string[];
	/** Every package pgha installed on the host, dependencies included; undefined when the host kept no record. */
	installedByPgha?: string[];
	files: string[];
	directories: string[];
	emptyParents: string[];
	/** Data or backups deleted, as the flags asked. */
	wipe: string[];
	users: string[];
	/** The sysctl file pgha wrote (the VIP's non-local bind): the live value goes back to Debian's 0. */
	sysctl: boolean;
	/** The kept repository is marked: the database it backs up was wiped. */
	markRepository: boolean;
};

const present = async (ctx: Pick<StepContext, 'run'>, paths: readonly string[]): Promise<string[]> => {
	if (paths.length === 0) return [];
	const out = await ctx.run(`ls -d ${paths.map(shQuote).join(' ')} 2>/dev/null; true`, {quiet: true, check: false});
	return out.stdout.split('\n').filter(line => paths.includes(line.trim())).map(line => line.trim());
};

/** A unit stopped and disabled (unmasked first: an interrupted crash drill masks Patroni). */
export function unitStoppedStep(unit: string): Step {
	const state = async (ctx: StepContext) => {
		const active = (await ctx.$({quiet: true, nothrow: true})`systemctl is-active --quiet ${unit}`).code === 0;
		const enabled = (await ctx.$({quiet: true, nothrow: true})`systemctl is-enabled --quiet ${unit}`).code === 0;
		return {active, enabled};
	};
	return {
		name: `${unit} stopped and disabled`,
		check: async ctx => {
			const {active, enabled} = await state(ctx);
			return !active && !enabled;
		},
		explain: async ctx => {
			const {active, enabled} = await state(ctx);
			return [`${unit} is ${active ? 'running' : 'stopped'} and ${enabled ? 'enabled' : 'disabled'}`];
		},
		apply: async ctx => void (await ctx.$`systemctl unmask --quiet ${unit} && systemctl disable --now --quiet ${unit}`),
	};
}

/** Files gone (rm -f: a missing one is no error, so a re-run after a failure carries on). */
export function filesGoneStep(what: string, paths: readonly string[], recursive = false): Step {
	return {
		name: what,
		check: async ctx => (await present(ctx, paths)).length === 0,
		explain: async ctx => (await present(ctx, paths)).map(path => `${path} is still there`),
		apply: async ctx => void (await ctx.run(`rm ${recursive ? '-rf' : '-f'} ${(await present(ctx, paths)).map(shQuote).join(' ')}`)),
	};
}

/**
 * Data or backups deleted: everything inside, then the directory itself
 * where it can go (a mount point stays, empty). Done once nothing is inside.
 */
export function wipeStep(paths: readonly string[]): Step {
	const inside = async (ctx: StepContext) => {
		const there = await present(ctx, paths);
		if (there.length === 0) return '';
		return (await ctx.run(`find ${there.map(shQuote).join(' ')} -mindepth 1 -maxdepth 1 -print -quit 2>/dev/null; true`, {quiet: true, check: false})).stdout.trim();
	};
	return {
		name: `wiped: ${paths.join(' ')}`,
		check: async ctx => (await inside(ctx)) === '',
		explain: async ctx => [`${await inside(ctx)} is still there`],
		async apply(ctx) {
			const there = (await present(ctx, paths)).map(shQuote).join(' ');
			await ctx.run(`find ${there} -mindepth 1 -delete`, {timeoutMs: 3_600_000});
			await ctx.run(`rmdir ${there} 2>/dev/null; true`);
		},
	};
}

/** pgha's own directories removed once empty; one that still holds something else stays. */
export function emptyDirectoriesStep(dirs: readonly string[]): Step {
	const empty = async (ctx: StepContext) => {
		const there = await present(ctx, dirs);
		if (there.length === 0) return [];
		const out = await ctx.run(`find ${there.map(shQuote).join(' ')} -maxdepth 0 -empty 2>/dev/null; true`, {quiet: true, check: false});
		return out.stdout.split('\n').map(line => line.trim()).filter(Boolean);
	};
	return {
		name: 'empty directories of pgha removed',
		check: async ctx => (await empty(ctx)).length === 0,
		// Deepest first, so a parent left empty by its child goes too.
		apply: async ctx => void (await ctx.run(`rmdir --ignore-fail-on-non-empty ${dirs.map(shQuote).join(' ')} 2>/dev/null; true`)),
	};
}

/** The marker of a pgha install's held-back services, left only by an install cut off hard; someone else's stays. */
export const policyRcStep: Step = {
	name: 'no policy-rc.d of pgha',
	check: async ctx => (await ctx.run('cat /usr/sbin/policy-rc.d', {quiet: true, check: false})).stdout !== pghaPolicyRc,
	apply: async ctx => void (await ctx.run('rm -f /usr/sbin/policy-rc.d')),
};

/** What pgha's install writes to policy-rc.d (recipes/host/apt-scripts.ts). */
export const pghaPolicyRc = '#!/bin/sh\nexit 101\n';

/** The non-local bind the balancers needed for the VIP, back to Debian's default, and its file gone. */
export const sysctlGoneStep: Step = {
	name: `sysctl ${locations.sysctlConfig} removed, net.ipv4.ip_nonlocal_bind back to 0`,
	check: async ctx => (await present(ctx, [locations.sysctlConfig])).length === 0,
	apply: async ctx => void (await ctx.run(`sysctl -q -w net.ipv4.ip_nonlocal_bind=0 && rm -f ${locations.sysctlConfig}`)),
};

/** A user pgha made, deleted. */
export function userGoneStep(user: string): Step {
	return {
		name: `user ${user} removed`,
		check: async ctx => (await ctx.$({quiet: true, nothrow: true})`id -u ${user}`).code !== 0,
		apply: async ctx => void (await ctx.$`userdel ${user}`),
	};
}

/** A kept repository marked as backing up a database that no longer exists; preflight reads it. */
export const repositoryMarkStep: Step = {
	name: `repository marked: its database was wiped (${locations.repositoryOfWipedData})`,
	check: async ctx => (await present(ctx, [locations.repositoryOfWipedData])).length > 0 || (await present(ctx, [locations.pgbackrestRepoPath])).length === 0,
	apply: async ctx =>
		void (await ctx.conn.writeFile(locations.repositoryOfWipedData, `pgha uninstall --wipe-data ${new Date().toISOString()}: the database these backups are of was deleted\n`, 'root', 'root', 0o644)),
};

/** dpkg's state of each package that is known to it at all: ii, rc, ... */
async function packageStates(ctx: StepContext, packages: readonly string[]): Promise<Map<string, string>> {
	if (packages.length === 0) return new Map();
	const out = await ctx.run(`dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\n' ${packages.join(' ')} 2>/dev/null; true`, {quiet: true, check: false});
	return new Map(
		out.stdout
			.split('\n')
			.map(line => line.split('\t'))
			.filter(([name, state]) => name && state && !/^[up]n/.test(state))
			.map(([name, state]) => [name!.replace(/:[a-z0-9]+$/, ''), state!.trim()]),
	);
}

/** The packages still to go: purge ones dpkg knows in any state (rc included), remove ones still installed. */
async function packagesLeft(ctx: StepContext, removal: Pick<HostRemoval, 'purge' | 'removeOnly'>): Promise<{purge: string[]; remove: string[]}> {
	const states = await packageStates(ctx, [...removal.purge, ...removal.removeOnly]);
	return {purge: removal.purge.filter(p => states.has(p)), remove: removal.removeOnly.filter(p => states.get(p)?.startsWith('ii'))};
}

/**
 * The script that takes the packages off: refused when apt would take
 * anything else with them (software that came later and needs them), then
 * purge, remove, and the dependencies pgha brought that nothing needs now.
 */
export function packageRemovalScript(purge: readonly string[], remove: readonly string[], installedByPgha: readonly string[] | undefined): string {
	// What goes is pgha's by the plan's decision, also a package left in dpkg's rc state by an earlier run.
	const mine = [...new Set([...purge, ...remove, ...(installedByPgha ?? [])])];
	return `# pgha uninstall: packages
set -e
export DEBIAN_FRONTEND=noninteractive
purge=${shQuote(purge.join(' '))}
remove=${shQuote(remove.join(' '))}
mine=$(mktemp); trap 'rm -f "$mine"' EXIT
printf '%s\\n' ${mine.map(shQuote).join(' ')} > "$mine"
extra=$(apt-get -s purge $purge $remove | awk '/^(Remv|Purg) /{print $2}' | grep -vxF -f "$mine" || true)
if [ -n "$extra" ]; then echo "pgha: apt would also remove $(echo $extra), which pgha did not install and which need packages pgha installed; nothing was removed. Remove them yourself (apt-get purge $(echo $extra)) and run the uninstall again"; exit 1; fi
[ -z "$purge" ] || apt-get purge -y -q $purge
[ -z "$remove" ] || apt-get remove -y -q $remove
${installedByPgha ? `deps=$(apt-get -s autoremove | awk '/^Remv /{print $2}' | grep -xF -f "$mine" || true)\n[ -z "$deps" ] || apt-get purge -y -q $deps` : '# no record of what the host had before pgha: its dependencies stay'}`;
}

/** The host's pgha packages gone: purged, or removed where a purge would delete kept data. */
export function packagesGoneStep(removal: Pick<HostRemoval, 'purge' | 'removeOnly' | 'installedByPgha'>): Step {
	const all = [...removal.purge, ...removal.removeOnly];
	return {
		name: `packages removed: ${all.join(' ') || 'none'}`,
		check: async ctx => {
			const left = await packagesLeft(ctx, removal);
			return left.purge.length === 0 && left.remove.length === 0;
		},
		explain: async ctx => {
			const left = await packagesLeft(ctx, removal);
			return [...left.purge.map(p => `${p} still installed (or its configuration left)`), ...left.remove.map(p => `${p} still installed`)];
		},
		async apply(ctx) {
			const left = await packagesLeft(ctx, removal);
			await ctx.run(packageRemovalScript(left.purge, left.remove, removal.installedByPgha), {timeoutMs: 900_000});
		},
	};
}

/** The stop phase on one host: the schedule gone, then every unit but etcd stopped. */
export function stopSteps(removal: HostRemoval): Step[] {
	return [
		...(removal.schedule.length > 0 ? [filesGoneStep('backup schedule and restore drill removed', removal.schedule)] : []),
		...removal.units.filter(unit => unit !== 'etcd').map(unitStoppedStep),
	];
}

/** The remove phase on one host: etcd stopped, packages, files, users, then data as asked. */
export function removeSteps(removal: HostRemoval): Step[] {
	return [
		...(removal.units.includes('etcd') ? [unitStoppedStep('etcd')] : []),
		packagesGoneStep(removal),
		...(removal.sysctl ? [sysctlGoneStep] : []),
		filesGoneStep('files of pgha removed', removal.files),
		filesGoneStep('directories of pgha removed', removal.directories, true),
		...removal.users.map(userGoneStep),
		policyRcStep,
		...(removal.wipe.length > 0 ? [wipeStep(removal.wipe)] : []),
		...(removal.markRepository ? [repositoryMarkStep] : []),
		emptyDirectoriesStep(removal.emptyParents),
	];
}

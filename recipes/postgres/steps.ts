import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {Step, StepContext} from '../kit/step.js';
import {directoryStep} from '../kit/directory-step.js';
import {fileStep} from '../kit/file-step.js';
import {locations} from '../kit/locations.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';
import {waitFor} from '../kit/wait-for.js';
import {isPrimary, patroniDynamicConfig, patroniMembers, patronictl, psql} from './probes.js';
import {dcsSettings, type DcsSettings} from './render.js';
import {shQuote} from '../../source/transport/quote.js';
import {databaseOwnerVerifier, freshVerifier, verifierMatches} from './scram.js';
import type {ClusterKeys} from '../../source/keys/cluster-keys.js';
import {RemoteCommandError} from '../../source/transport/ssh.js';

/** Debian's postgresql package would otherwise create and start a `main` cluster beside Patroni's; written before the packages install. */
export const noMainCluster: ManagedFile = {path: locations.pgCreateClusterConf, owner: 'root', group: 'root', mode: 0o644, secret: false, content: 'create_main_cluster = false\n'};

/** A PostgreSQL node's files (Patroni's config, certificates) and its data directory, before Patroni may start. */
export function patroniFileSteps(files: ManagedFile[]): Step[] {
	return [...files.map(fileStep), directoryStep(locations.pgDataDir, 'postgres', 0o700, `data directory ${locations.pgDataDir}`)];
}

/** Patroni started, and a wait until the node runs (leader) or streams (replica). */
export function patroniStartSteps(host: HostAnswers): Step[] {
	const running = async (ctx: StepContext) => {
		const members = await patroniMembers(ctx.run);
		const me = members.find(m => m.Member === host.name);
		return Boolean(me && ['running', 'streaming'].includes(me.State) && members.some(m => m.Role === 'Leader'));
	};
	return [
		serviceStep('patroni'),
		{
			name: 'patroni member running',
			check: running,
			apply: ctx => waitFor(`${host.name} to run as a Patroni member (bootstrap or clone)`, () => running(ctx), 600_000),
		},
	];
}

/**
 * A PostgreSQL node: Patroni's config and data directory, the service, and a
 * wait until the node is running (leader) or streaming (replica). The first
 * node bootstraps; the others clone from it or from the latest backup.
 */
export function patroniSteps(host: HostAnswers, files: ManagedFile[]): Step[] {
	return [...patroniFileSteps(files), ...patroniStartSteps(host)];
}

/** The application database and its owner, made on whichever node is the primary. */
export function databaseStep(answers: Answers, keys: ClusterKeys): Step {
	const {name, owner} = answers.database;
	// The owner's password is set as the same SCRAM verifier PgBouncer holds, so PgBouncer can log in with the client's keys.
	const verifier = databaseOwnerVerifier(answers, keys);
	return {
		name: `database ${name} owned by ${owner}`,
		async check(ctx) {
			if (!(await isPrimary(ctx.run))) return true;
			const out = await psql(
				ctx.run,
				`select (select rolpassword from pg_authid where rolname = '${owner}') = '${verifier}' and exists (select from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = '${name}' and r.rolname = '${owner}');`,
			);
			return out.stdout.trim() === 't';
		},
		async apply(ctx) {
			await psql(
				ctx.run,
				`do $$ begin if not exists (select from pg_roles where rolname = '${owner}') then create role ${owner} login; end if; end $$;
alter role ${owner} with login password '${verifier}';
select 'create database ${name} owner ${owner}' where not exists (select from pg_database where datname = '${name}')\\gexec
alter database ${name} owner to ${owner};`,
			);
		},
	};
}

/** What Patroni assumes for a key its dynamic configuration does not hold (Patroni 3.0's defaults). */
const patroniDefaults: DcsSettings = {
	ttl: 30,
	loop_wait: 10,
	retry_timeout: 10,
	primary_start_timeout: 300,
	maximum_lag_on_failover: 1_048_576,
	synchronous_mode: false,
	synchronous_mode_strict: false,
	synchronous_node_count: 1,
};

/** One managed key whose live value differs from the answers'. */
export type DcsDifference = {key: keyof DcsSettings; live: unknown; wanted: number | boolean};

// Patroni reads a value written by hand as text too ("true", "20"); it counts as what it says.
function normalise(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim().toLowerCase();
	if (/^-?\d+$/.test(text)) return Number(text);
	if (['true', 'on', 'yes'].includes(text)) return true;
	if (['false', 'off', 'no'].includes(text)) return false;
	return value;
}

/**
 * The managed keys whose value in Patroni's dynamic configuration differs from
 * the answers; a key the configuration does not hold counts as Patroni's default. Pure.
 */
export function dcsDifferences(wanted: DcsSettings, live: Record<string, unknown>): DcsDifference[] {
	return (Object.keys(wanted) as Array<keyof DcsSettings>).flatMap(key => {
		const now = key in live ? normalise(live[key]) : patroniDefaults[key];
		return now === wanted[key] ? [] : [{key, live: key in live ? live[key] : undefined, wanted: wanted[key]}];
	});
}

/** A difference as the drift report names it, e.g. "ttl 30 → 20". */
export function describeDcsDifference(difference: DcsDifference): string {
	const live = difference.live === undefined ? `unset (Patroni's default ${patroniDefaults[difference.key]})` : String(difference.live);
	return `${difference.key} ${live} → ${difference.wanted}`;
}

/**
 * Patroni's cluster-wide settings (timing, synchronous mode) as the answers
 * give them. bootstrap.dcs sets them only when the cluster is first made; a
 * later change reaches the live cluster here, through `patronictl edit-config`,
 * which every member picks up on its next loop: no restart, the leader stays.
 * Done once, on the primary, like the database.
 */
export function dcsSettingsStep(answers: Answers): Step {
	const wanted = dcsSettings(answers);
	const differences = async (ctx: StepContext) => dcsDifferences(wanted, await patroniDynamicConfig(ctx.run));
	return {
		name: 'Patroni cluster settings (ttl, loop_wait, retry_timeout, synchronous mode)',
		async check(ctx) {
			if (!(await isPrimary(ctx.run))) return true;
			return (await differences(ctx)).length === 0;
		},
		explain: async ctx => (await differences(ctx)).map(describeDcsDifference),
		async apply(ctx) {
			const changes = await differences(ctx);
			if (changes.length === 0) return;
			// Values are numbers and booleans, which patronictl reads as YAML: -s ttl=20 -s synchronous_mode=true.
			await ctx.run(`${patronictl} edit-config --force ${changes.map(c => `-s ${shQuote(`${c.key}=${c.wanted}`)}`).join(' ')}`);
			// The check reads the node's REST API, which serves the configuration as this member last saw it in etcd.
			await waitFor("Patroni on this node to see the new cluster settings", async () => (await differences(ctx)).length === 0, 30_000);
		},
	};
}

/** The roles Patroni makes at bootstrap (render.ts's authentication section), with the answer that holds each one's password. */
export function clusterRoles(answers: Answers): Array<{role: string; password: string}> {
	return [
		{role: 'postgres', password: answers.passwords.superuser},
		{role: 'replicator', password: answers.passwords.replication},
	];
}

// A verifier is not the password, but it lets whoever holds it try passwords offline: it never reaches an event or an error.
const hideVerifiers = (text: string) => text.replace(/SCRAM-SHA-256\$\S+/g, '[verifier]').replace(/'[^']*'/g, "'…'");

/**
 * The superuser's and the replication role's passwords are the answers' ones,
 * checked on the primary without knowing the salt: each stored SCRAM verifier
 * is recomputed from the answer with its own salt and iterations. Patroni sets
 * them only at bootstrap, so this step is what makes a changed password reach
 * the roles. The new verifier gets a fresh random salt and travels on stdin.
 */
export function rolePasswordsStep(answers: Answers): Step {
	const roles = clusterRoles(answers);
	const names = roles.map(r => `'${r.role}'`).join(', ');
	const stale = async (ctx: StepContext) => {
		const out = (await psql(ctx.run, `select rolname, coalesce(rolpassword, '') from pg_authid where rolname in (${names}) order by 1;`)).stdout;
		const stored = new Map(out.split('\n').filter(Boolean).map(line => [line.slice(0, line.indexOf('|')), line.slice(line.indexOf('|') + 1)] as const));
		return roles.filter(({role, password}) => !verifierMatches(stored.get(role) ?? '', password));
	};
	return {
		name: `passwords of roles ${roles.map(r => r.role).join(' and ')}`,
		async check(ctx) {
			if (!(await isPrimary(ctx.run))) return true;
			return (await stale(ctx)).length === 0;
		},
		explain: async ctx => (await stale(ctx)).map(({role}) => `role ${role} does not have the saved password`),
		async apply(ctx) {
			const changes = (await stale(ctx)).map(({role, password}) => `alter role ${role} with password '${freshVerifier(password)}';`);
			try {
				await psql(ctx.run, changes.join('\n'));
			} catch (error) {
				// psql may echo the statement (LINE 1: alter role ...): only the first line of its message, without quotes, goes on.
				const message = error instanceof RemoteCommandError ? error.result.stderr.split('\n')[0] || error.message : error instanceof Error ? error.message : String(error);
				throw new Error(`setting the role passwords failed: ${hideVerifiers(message)}`);
			}
		},
	};
}

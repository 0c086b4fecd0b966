import type {Answers, HostAnswers} from '../source/answers/schema.js';
import type {Step, StepContext} from '../source/engine/step.js';
import {databaseOwnerVerifier} from '../source/render/index.js';
import {directoryStep, fileStep, serviceStep, waitFor, type ManagedFile} from './managed-file.js';

export const dataDir = '/data/patroni';
const patronictl = 'patronictl -c /etc/patroni/config.yml';

type Member = {Member: string; Role: string; State: string; TL?: number; 'Lag in MB'?: number | string};

/** Patroni's view of the cluster, from any PostgreSQL node. */
export async function patroniMembers(ctx: Pick<StepContext, 'run'>): Promise<Member[]> {
	const result = await ctx.run(`${patronictl} list -f json`, {quiet: true, check: false});
	if (result.code !== 0) return [];
	return JSON.parse(result.stdout || '[]') as Member[];
}

/** Runs SQL as the local postgres superuser over the socket, the SQL on stdin. */
export function psql(ctx: Pick<StepContext, 'run'>, sql: string, database = 'postgres') {
	return ctx.run(`cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d ${database}`, {stdin: sql, quiet: true});
}

/**
 * A PostgreSQL node: Patroni's config and data directory, the service, and a
 * wait until the node is running (leader) or streaming (replica). The first
 * node bootstraps; the others clone from it or from the latest backup.
 */
export function patroniSteps(host: HostAnswers, files: ManagedFile[]): Step[] {
	return [
		...files.map(fileStep),
		directoryStep(dataDir, 'postgres', 0o700, `data directory ${dataDir}`),
		serviceStep('patroni'),
		{
			name: 'patroni member running',
			async check(ctx) {
				const members = await patroniMembers(ctx);
				const me = members.find(m => m.Member === host.name);
				return Boolean(me && ['running', 'streaming'].includes(me.State) && members.some(m => m.Role === 'Leader'));
			},
			apply: async ctx =>
				waitFor(
					`${host.name} to run as a Patroni member (bootstrap or clone)`,
					async () => {
						const members = await patroniMembers(ctx);
						const me = members.find(m => m.Member === host.name);
						return Boolean(me && ['running', 'streaming'].includes(me.State) && members.some(m => m.Role === 'Leader'));
					},
					600_000,
					3_000,
				),
		},
	];
}

/** The application database and its owner, made on whichever node is the primary. */
export function databaseStep(answers: Answers): Step {
	const {name, owner} = answers.database;
	// The owner's password is set as the same SCRAM verifier PgBouncer holds, so PgBouncer can log in with the client's keys.
	const verifier = databaseOwnerVerifier(answers);
	const isPrimary = async (ctx: StepContext) => (await psql(ctx, 'select pg_is_in_recovery();')).stdout.trim() === 'f';
	return {
		name: `database ${name} owned by ${owner}`,
		async check(ctx) {
			if (!(await isPrimary(ctx))) return true;
			const out = await psql(
				ctx,
				`select (select rolpassword from pg_authid where rolname = '${owner}') = '${verifier}' and exists (select from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = '${name}' and r.rolname = '${owner}');`,
			);
			return out.stdout.trim() === 't';
		},
		async apply(ctx) {
			await psql(
				ctx,
				`do $$ begin if not exists (select from pg_roles where rolname = '${owner}') then create role ${owner} login; end if; end $$;
alter role ${owner} with login password '${verifier}';
select 'create database ${name} owner ${owner}' where not exists (select from pg_database where datname = '${name}')\\gexec
alter database ${name} owner to ${owner};`,
			);
		},
	};
}

/** PgBouncer on a node: its files and the running service. */
export function pgbouncerSteps(files: ManagedFile[]): Step[] {
	return [...files.map(fileStep), serviceStep('pgbouncer')];
}

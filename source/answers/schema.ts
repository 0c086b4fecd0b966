// A namespace import lets the bundler drop what pgha never calls (zod's locales alone are 350 kB).
import * as z from 'zod';
import {isValidCron} from './cron.js';
import {reservedRoleNames, sqlReservedWords} from './sql-keywords.js';
import {parameterProblem} from './pg-parameters.js';

/**
 * The answer file: the one source of truth for the wizard, `install --answers`,
 * the saved cluster store and `pgha schema`. Field rules live here; rules that
 * compare fields with each other live in rules.ts.
 */

export const roleNames = ['postgres', 'etcd', 'balancer', 'backup'] as const;
export type Role = (typeof roleNames)[number];

/** How a commit is acknowledged: by the leader alone, or once a replica has it too. */
export const durabilityModes = ['async', 'synchronous'] as const;
export type DurabilityMode = (typeof durabilityModes)[number];

/** What synchronous durability does when no replica is left: wait for one, or go on unprotected. */
export const noReplicaModes = ['wait', 'continue'] as const;
export type NoReplicaMode = (typeof noReplicaModes)[number];

/** Where hosts get their packages: the Debian archives they reach, or a bundle file carried to them. */
export const packageSources = ['mirror', 'bundle'] as const;
export type PackageSource = (typeof packageSources)[number];

/** The failover speed presets; ha-timing.ts holds what each one sets. */
export const rtoPresetNames = ['fast', 'normal', 'safe'] as const;
export type RtoPreset = (typeof rtoPresetNames)[number];

// Characters that would end a config line or a shell word are refused instead
// of escaped: a password must survive YAML, INI, keepalived and libpq alike.
const noControl = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

/** A strong password: 12+ characters from at least three classes, or 20+ of any. */
export function passwordWeakness(value: string): string | undefined {
	if (!noControl(value)) return 'contains a newline or control character; use printable characters only';
	if (value !== value.trim()) return 'starts or ends with a space; remove it';
	if (value.length < 12) return `is ${value.length} character${value.length === 1 ? '' : 's'}; use at least 12`;
	const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter(re => re.test(value)).length;
	if (value.length < 20 && classes < 3)
		return 'is too simple; mix lower case, upper case, digits and symbols, or use 20+ characters';
	return undefined;
}

const strongPassword = z.string().superRefine((value, ctx) => {
	const weakness = passwordWeakness(value);
	if (weakness) ctx.addIssue({code: 'custom', message: `password ${weakness}`});
});

const ipv4 = z
	.string()
	.regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, {
		message: 'is not an IPv4 address; write four numbers 0-255 separated by dots, e.g. 192.168.100.1',
	});

const hostName = z
	.string()
	.regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, {
		message: 'is not a valid host name; use letters, digits and inner hyphens, at most 63 characters',
	});

// SQL identifiers are refused rather than quoted so they read the same in SQL,
// pgbouncer.ini, connection strings and pg_hba.
const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, {
	message: 'must be a lower-case identifier: letters, digits and _, starting with a letter, at most 63 characters',
});

const notKeyword = (value: string) => !sqlReservedWords.has(value);
const keywordMessage = {message: 'is an SQL keyword PostgreSQL refuses as a bare name; choose another name, e.g. aplicacion'};

// pgha creates postgres and replicator itself; pg_ names belong to PostgreSQL.
const databaseOwner = sqlIdentifier
	.refine(notKeyword, keywordMessage)
	.refine(v => v !== 'postgres' && v !== 'replicator', {
		message: 'is a role pgha manages itself (superuser or replication); choose another owner, e.g. aplicacion',
	})
	.refine(v => !v.startsWith('pg_'), {message: 'starts with pg_, which PostgreSQL keeps for its own roles; choose another owner'})
	.refine(v => !reservedRoleNames.has(v), {message: 'is a role name PostgreSQL keeps for itself; choose another owner'});

const databaseName = sqlIdentifier
	.refine(notKeyword, keywordMessage)
	.refine(v => !['template0', 'template1', 'postgres'].includes(v), {
		message: 'is a database PostgreSQL creates itself; choose another name, e.g. aplicacion',
	});

// Written into config lines and typed at prompts: control characters would end the line.
// Under 4 characters a password cannot be told apart from ordinary log text to hide it.
const loginSecret = z
	.string()
	.min(4, {message: 'must be at least 4 characters; use the full password'})
	.refine(noControl, {message: 'contains a newline or control character; use printable characters only'});

/** pgBackRest refuses repo1-retention-full and -diff above this. */
export const maxRetention = 9_999_999;

const cron = z.string().superRefine((value, ctx) => {
	const why = isValidCron(value);
	if (why) ctx.addIssue({code: 'custom', message: `is not a valid cron expression (${why}); e.g. "0 1 * * 0"`});
});

export const hostSchema = z
	.strictObject({
		name: hostName.describe('Host name, used as the etcd and Patroni member name'),
		ip: ipv4.describe('IPv4 address the other hosts reach it on'),
		roles: z
			.array(z.enum(roleNames))
			.min(1, {message: 'must list at least one role: postgres, etcd, balancer or backup'})
			.describe('What runs on this host'),
	})
	.describe('One server of the cluster');
export type HostAnswers = z.infer<typeof hostSchema>;

export const answersSchema = z
	.strictObject({
		version: z.literal(1, {message: 'must be 1 (the only answer-file version pgha knows)'}),
		cluster: z.strictObject({
			name: z
				.string()
				.regex(/^[a-z][a-z0-9-]{0,30}$/, {
					message: 'must be lower-case letters, digits and hyphens, starting with a letter, at most 31 characters',
				})
				.describe('Cluster name: the Patroni scope and the pgBackRest stanza'),
			postgresVersion: z
				.literal(15, {message: 'must be 15 (the PostgreSQL of Debian 12)'})
				.default(15),
		}),
		ssh: z
			.strictObject({
				user: z.string().regex(/^[a-z_][a-z0-9_-]*$/, {message: 'is not a valid user name'}).default('root'),
				port: z.number().int().min(1).max(65535).default(22),
				identityFile: z.string().min(1).optional().describe('Private key file; ~ is your home'),
				agent: z.boolean().default(false).describe('Use the SSH agent (SSH_AUTH_SOCK)'),
				password: loginSecret.optional().describe('SSH password, when there is no key'),
				sudoPassword: loginSecret.optional().describe('sudo password for a non-root user without NOPASSWD'),
				hostKeys: z
					.record(z.string(), z.string())
					.optional()
					.describe('SHA256 host key fingerprints recorded on first connection, by host name'),
			})
			.default({user: 'root', port: 22, agent: false}),
		hosts: z.array(hostSchema).min(1, {message: 'must list the servers of the cluster'}),
		network: z.strictObject({
			vip: ipv4.describe('Virtual IP clients connect to; held by one balancer at a time'),
			prefix: z.number().int().min(8).max(30).default(24).describe('Prefix length of the hosts subnet'),
			vrrpRouterId: z
				.number({message: 'must be a number from 1 to 255'})
				.int()
				.min(1, {message: 'must be from 1 to 255'})
				.max(255, {message: 'must be from 1 to 255'})
				.default(51)
				.describe('VRRP virtual_router_id; must be unique on the LAN'),
			interface: z
				.string()
				.regex(/^[a-zA-Z0-9_.-]{1,15}$/, {message: 'is not an interface name'})
				.optional()
				.describe('Interface that carries the VIP; found on the hosts when left out'),
			clientNetworks: z
				.array(
					z.string().regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/, {
						message: 'is not an IPv4 network; write an address and a prefix length, e.g. 192.168.10.0/24',
					}),
				)
				.default([])
				.describe('Application networks that may also reach PgBouncer on the nodes directly (libpq multi-host), over TLS; the VIP needs none'),
		}),
		passwords: z
			.strictObject({
				superuser: strongPassword.describe('PostgreSQL superuser (postgres)'),
				replication: strongPassword.describe('PostgreSQL replication user (replicator)'),
				// pgha computes this password's SCRAM verifier itself (for PgBouncer); for
				// printable ASCII that equals what PostgreSQL and libpq derive (SASLprep
				// changes nothing), which is not guaranteed for other characters.
				app: strongPassword
					.refine(v => /^[\x20-\x7e]*$/.test(v), {
						message: 'must use printable ASCII characters only (letters, digits, spaces inside and symbols)',
					})
					.describe('The application database owner'),
				patroniApi: strongPassword.describe('Patroni REST API user for changes (switchover, restart)'),
				vrrp: z
					.string()
					.regex(/^[A-Za-z0-9@%+=:,./_-]{6,8}$/, {
						message:
							'must be 6 to 8 characters of letters, digits or @%+=:,./_- (Keepalived PASS authentication reads only 8)',
					})
					.describe('Keepalived VRRP password'),
				backupCipher: strongPassword
					.refine(v => v.length >= 20, {message: 'must be at least 20 characters (it encrypts every backup)'})
					.describe('pgBackRest repository encryption passphrase (aes-256-cbc)'),
				// HAProxy reads it inside single quotes, where nothing escapes a quote.
				haproxyStats: strongPassword
					.refine(v => !v.includes("'"), {message: "must not contain a single quote (')"})
					.optional()
					.describe('HAProxy stats page (user admin); generated and saved at install when left out'),
			})
			.describe('Secrets; any value may be ${ENV_VAR}'),
		tls: z
			.strictObject({
				caCert: z.string().min(1).describe('PEM file of your own CA certificate; pgha makes one per cluster when left out'),
				caKey: z.string().min(1).describe('PEM file of that CA\'s private key (RSA or EC), read at each run, never copied to a host'),
			})
			.optional()
			.describe('Your own certificate authority for the cluster\'s TLS'),
		database: z
			.strictObject({
				name: databaseName.default('aplicacion'),
				owner: databaseOwner.default('aplicacion'),
			})
			.default({name: 'aplicacion', owner: 'aplicacion'}),
		pgbouncer: z
			.strictObject({
				poolMode: z.enum(['session', 'transaction', 'statement']).default('transaction'),
				maxClientConn: z.number().int().min(1).max(100_000).default(300),
				defaultPoolSize: z.number().int().min(1).max(10_000).default(35),
			})
			.default({poolMode: 'transaction', maxClientConn: 300, defaultPoolSize: 35}),
		backup: z
			.strictObject({
				full: cron.default('0 1 * * 0').describe('When full backups run (cron, on the repository host)'),
				differential: cron.optional().default('0 1 * * 1-6').describe('When differential backups run'),
				incremental: cron.optional().describe('When incremental backups run'),
				verify: cron
					.default('0 5 * * 0')
					.describe(
						'When the restore drill runs (cron, on the repository host): the latest backup restored into a throwaway PostgreSQL there, its archived WAL replayed and checked (pgBackRest verify, pg_amcheck, row counts against the leader); the default is after the Sunday full backup',
					),
				retentionFull: z
					.number()
					.int()
					.min(1, {message: 'must keep at least 1 full backup'})
					.max(maxRetention, {message: `must be at most ${maxRetention} (pgBackRest's limit)`})
					.default(3),
				retentionDiff: z
					.number()
					.int()
					.min(1)
					.max(maxRetention, {message: `must be at most ${maxRetention} (pgBackRest's limit)`})
					.optional(),
			})
			.default({full: '0 1 * * 0', differential: '0 1 * * 1-6', verify: '0 5 * * 0', retentionFull: 3}),
		ha: z
			.strictObject({
				durability: z
					.enum(durabilityModes, {message: 'must be async or synchronous'})
					.default('async')
					.describe('async: a commit returns once the leader has it (a crash of the leader can lose the last writes); synchronous: once a replica has it too, so no acknowledged write is lost'),
				writesWithoutReplica: z
					.enum(noReplicaModes, {message: 'must be wait or continue'})
					.optional()
					.describe('With synchronous durability, when no replica is left: wait (the default: commits wait until one returns) or continue (writes go on unprotected)'),
				rto: z
					.enum(rtoPresetNames, {message: 'must be fast, normal or safe'})
					.default('normal')
					.describe('How fast a failover happens: fast, normal or safe; sets Patroni, HAProxy and Keepalived timing together'),
			})
			.default({durability: 'async', rto: 'normal'})
			.describe('Durability of commits and the speed of failover'),
		packages: z
			.strictObject({
				source: z
					.enum(packageSources, {message: 'must be mirror or bundle'})
					.default('mirror')
					.describe('mirror: the hosts install from the Debian archives they reach; bundle: from a bundle file made by `pgha bundle create`, with no network'),
				bundle: z.string().min(1).optional().describe('The bundle file on this machine (with source: bundle); ~ is your home'),
				versions: z
					.record(
						z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, {message: 'is not a Debian package name'}),
						z.string().regex(/^[A-Za-z0-9.+~:-]+$/, {message: 'is not a Debian version'}),
					)
					.optional()
					.describe('The version each package is pinned to, recorded at install; a re-run never installs another'),
			})
			.default({source: 'mirror'})
			.describe('Where the hosts get their Debian packages, and the versions they keep'),
		postgresql: z
			.strictObject({
				parameters: z
					.record(z.string(), z.union([z.string(), z.number(), z.boolean()], {message: 'must be a string, a number or a boolean (e.g. "256MB", 200, on)'}))
					.superRefine((parameters, ctx) => {
						const seen = new Map<string, string>();
						for (const [name, value] of Object.entries(parameters)) {
							const twice = seen.get(name.toLowerCase());
							if (twice) ctx.addIssue({code: 'custom', path: [name], message: `is ${twice} again (PostgreSQL reads names in any case); keep one of them`});
							seen.set(name.toLowerCase(), name);
							const problem = parameterProblem(name, value);
							if (problem) ctx.addIssue({code: 'custom', path: [name], message: problem});
						}
					})
					.default({})
					.describe('PostgreSQL 15 parameters by name, e.g. shared_buffers: 256MB, work_mem: 16MB, max_connections: 200; kept in Patroni\'s dynamic configuration on every member. One that needs a restart (shared_buffers) makes the run end with a rolling restart'),
			})
			.optional()
			.describe('PostgreSQL settings of every member'),
		// Advanced: ttl, loopWait and retryTimeout override the ha.rto preset one by one.
		patroni: z
			.strictObject({
				ttl: z.number().int().min(20, {message: "must be at least 20 (Patroni's minimum)"}).optional().describe('Seconds the leader key lives in etcd; overrides ha.rto'),
				loopWait: z.number().int().min(1, {message: "must be at least 1 (Patroni's minimum)"}).optional().describe('Seconds between Patroni\'s checks; overrides ha.rto'),
				retryTimeout: z.number().int().min(3, {message: "must be at least 3 (Patroni's minimum)"}).optional().describe('Seconds Patroni retries etcd and PostgreSQL before giving up; overrides ha.rto'),
				maximumLagOnFailover: z.number().int().min(0).default(1_048_576).describe('Bytes a replica may lag behind and still take over'),
			})
			.default({maximumLagOnFailover: 1_048_576}),
	})
	.describe('pgha answer file: everything needed to install one highly available PostgreSQL cluster');

/** Answers after defaults are applied: what the plan and renderers consume. */
export type Answers = z.output<typeof answersSchema>;
/** Answers as written in a file, defaults optional. */
export type AnswersInput = z.input<typeof answersSchema>;

export const secretKeys = ['superuser', 'replication', 'app', 'patroniApi', 'vrrp', 'backupCipher', 'haproxyStats'] as const;
export type SecretKey = (typeof secretKeys)[number];

/** The answer file's JSON Schema (draft 2020-12), derived from the zod schema. */
export function answersJsonSchema(): unknown {
	return z.toJSONSchema(answersSchema, {io: 'input', unrepresentable: 'any'});
}

import {UserError, exitCodes} from '../errors.js';
import type {SavedClusterCommand} from '../ui/start-screen.js';
import {processIo, type Command, type Flags, type Io} from './context.js';

// Commands load lazily so `pgha validate` does not pay for Ink or SSH at start-up.
const commands: Record<string, () => Promise<Command>> = {
	validate: async () => (await import('./validate.js')).validate,
	plan: async () => (await import('./plan.js')).plan,
	schema: async () => (await import('./schema.js')).schema,
	lab: async () => (await import('./lab.js')).lab,
	install: async () => (await import('./install.js')).install,
	verify: async () => (await import('./verify.js')).verify,
	status: async () => (await import('./status.js')).status,
	repair: async () => (await import('./repair.js')).repair,
	'add-replica': async () => (await import('./add-replica.js')).addReplica,
	'trust-host': async () => (await import('./trust-host.js')).trustHost,
	rotate: async () => (await import('./rotate.js')).rotate,
	switchover: async () => (await import('./switchover.js')).switchover,
	drill: async () => (await import('./drill.js')).drill,
	backup: async () => (await import('./backup.js')).backup,
	backups: async () => (await import('./backups.js')).backups,
	answers: async () => (await import('./answers.js')).answers,
	bundle: async () => (await import('./bundle.js')).bundle,
	restore: async () => (await import('./restore.js')).restore,
	uninstall: async () => (await import('./uninstall.js')).uninstall,
	'remove-node': async () => (await import('./remove-node.js')).removeNode,
	restart: async () => (await import('./restart.js')).restart,
	config: async () => (await import('./config.js')).config,
	upgrade: async () => (await import('./upgrade.js')).upgrade,
};

/**
 * The one place that decides how pgha ends: every command returns an exit
 * code, and every error becomes one message (a stack only with --debug).
 */
export async function main(input: string[], flags: Flags, io: Io = processIo()): Promise<number> {
	const [name = 'wizard', ...args] = input;
	if (name !== 'wizard' && !commands[name]) {
		io.err(`pgha: unknown command "${name}". Run \`pgha --help\` for the list of commands.`);
		return exitCodes.usage;
	}
	try {
		return await run(name, args, flags, io);
	} catch (error) {
		if (error instanceof UserError) {
			io.err(`pgha: ${error.message}`);
			if (flags.debug && error.stack) io.err(error.stack);
			return error.exitCode;
		}
		io.err(`pgha: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
		io.err(flags.debug && error instanceof Error && error.stack ? error.stack : 'Run again with --debug for details.');
		return exitCodes.failed;
	}
}

// The wizard hands back what was chosen instead of running it, so commands are dispatched from here alone.
async function run(name: string, args: string[], flags: Flags, io: Io): Promise<number> {
	if (name === 'wizard') {
		const {wizard} = await import('./wizard.js');
		const end = await wizard(io);
		return end.kind === 'exit' ? end.code : runChosen(end.command, {...flags, cluster: end.cluster}, io);
	}
	const command = await commands[name]!();
	return command(args, flags, io);
}

async function runChosen(command: SavedClusterCommand, flags: Flags, io: Io): Promise<number> {
	// The plan is shown and confirmed by the command itself, as on the command line.
	if (command === 'rotate-certificates') return run('rotate', ['certificates'], flags, io);
	if (command === 'drill-failover') return run('drill', ['failover'], flags, io);
	if (command === 'backup-verify') return run('backup', ['verify'], flags, io);
	if (command === 'config') return changeSetting(flags, io);
	if (command === 'remove-node') return removeNode(flags, io);
	if (command === 'uninstall') return uninstall(flags, io);
	if (command !== 'repair') return run(command, [], flags, io);
	// Check and repair: show the drift first, and change nothing unless asked.
	const found = await run('repair', [], {...flags, check: true}, io);
	if (found !== exitCodes.drift) return found;
	const {confirm} = await import('./confirm.js');
	return (await confirm('Put back what drifted?')) ? run('repair', [], flags, io) : found;
}

// The saved-cluster menu's questions are asked here, on the terminal; the commands then plan and confirm as on the command line.

/** Change settings: a key and a value saved with the cluster, then the same install run applies them, plan first. */
async function changeSetting(flags: Flags, io: Io): Promise<number> {
	const {ask, confirm} = await import('./confirm.js');
	const key = (await ask('Setting to change (e.g. postgresql.parameters.work_mem, pgbouncer.defaultPoolSize, ha.rto):')).trim();
	if (!key) return exitCodes.ok;
	const value = (await ask(`New value of ${key}:`)).trim();
	const saved = await run('config', ['set', key, value], flags, io);
	if (saved !== exitCodes.ok) return saved;
	return (await confirm('Apply it now (the install run, its plan first)?')) ? run('install', [], flags, io) : saved;
}

/** Remove a node: which host, from the saved cluster's list. */
async function removeNode(flags: Flags, io: Io): Promise<number> {
	const {ask} = await import('./confirm.js');
	const {readCluster} = await import('../answers/store.js');
	const hosts = (readCluster(flags.cluster ?? '', io.env)?.hosts ?? []).map(h => `${h.name} (${h.roles.join(', ')})`);
	const name = (await ask(`Host to remove${hosts.length > 0 ? ` [${hosts.join(', ')}]` : ''}:`)).trim();
	return name ? run('remove-node', [name], flags, io) : exitCodes.ok;
}

/** Uninstall: whether the data and the backups go too; the command then asks for the cluster's name. */
async function uninstall(flags: Flags, io: Io): Promise<number> {
	const {confirm} = await import('./confirm.js');
	const wipeData = await confirm("Delete PostgreSQL's and etcd's data too (otherwise it stays on the hosts)?");
	const wipeBackups = await confirm('Delete the backups too (the pgBackRest repository)?');
	return run('uninstall', [], {...flags, wipeData, wipeBackups}, io);
}

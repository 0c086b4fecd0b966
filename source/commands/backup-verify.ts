import {UsageError, exitCodes} from '../errors.js';
import {fileMatches} from '../../recipes/kit/file-step.js';
import {locations} from '../../recipes/kit/locations.js';
import {remoteShell} from '../../recipes/kit/remote-shell.js';
import {parseDrillResult, renderBackupVerifyScript, type DrillResult} from '../../recipes/pgbackrest/verify-script.js';
import type {HostConnection, RunOptions} from '../transport/ssh.js';
import type {Command} from './context.js';
import {openRepository} from './repository.js';
import {resolveCluster} from './resolve-cluster.js';

/** The script's own limit on the replay is 6 h; the restore, the checks and pgbackrest verify come on top. */
const drillTimeoutMs = 12 * 3_600_000;

/** What the script on the repository host is, compared with what the answers render. */
async function scriptState(conn: HostConnection, script: ReturnType<typeof renderBackupVerifyScript>): Promise<'as rendered' | 'missing' | 'different'> {
	const run = (text: string, options: RunOptions = {}) => conn.run(text, {check: false, ...options});
	if (await fileMatches({$: remoteShell(run)}, script)) return 'as rendered';
	return (await run(`test -e ${script.path}`)).code === 0 ? 'different' : 'missing';
}

/** The drill's figures, a line each, as the command ends. */
export function formatDrillResult(result: DrillResult, host: string): string[] {
	const count = (status: string) => result.tables.filter(t => t.status === status).length;
	const compared = result.tables.length === 0 ? 'none' : `${count('matches')} match, ${count('differs')} differ, ${count('missing in the restore')} missing in the restore, ${count('changed since the restore point, not compared')} changed since the restore point (not compared)`;
	return [
		`pgha: restore drill ${result.ok ? 'PASSED' : 'FAILED'}${result.backup ? ` on backup ${result.backup}` : ''}: restore and replay ${result.restoreSeconds} s, ${result.durationSeconds} s in all`,
		`  tables compared with the leader: ${compared}`,
		...(result.problems.length > 0 ? ['  problems:', ...result.problems.map(p => `    - ${p}`)] : []),
		`  result: ${locations.backupVerifyResult} on ${host} (${result.at})`,
	];
}

/**
 * `pgha backup verify [--cluster NAME]`: the restore drill now, on the
 * repository host, its lines streamed as they come (secrets redacted), then
 * its result. Exit 0 when it passed, 1 when it failed or could not run.
 *
 * The script on the host must be the one the answers render. When it is
 * missing or differs, this command says so and leaves it: repair puts it
 * back together with what it needs and the command alone would not bring
 * (postgresql-15 and jq on the host, the cron line that schedules it,
 * createcluster.conf first), and through the same drift report, so writing
 * only the script here would run a drill on a host that cannot take it.
 */
export const backupVerify: Command = async (_args, flags, io) => {
	const {answers} = await resolveCluster(flags, io);
	const name = answers.cluster.name;
	const {repo, conn, redact} = await openRepository(answers, io, () => new UsageError(`cluster "${name}" has no repository host (no host has the backup role), so it has no backup to verify`));
	try {
		const script = renderBackupVerifyScript(answers);
		const state = await scriptState(conn, script);
		if (state !== 'as rendered') {
			io.err(
				`pgha: the restore drill's script ${script.path} on ${repo.name} is ${state === 'missing' ? 'missing' : 'not the one these answers render'}; ` +
					`\`pgha repair --cluster ${name}\` puts it back with what it needs (the PostgreSQL server and jq on ${repo.name}, the schedule), then run this again.`,
			);
			return exitCodes.failed;
		}
		const before = await conn.readFile(locations.backupVerifyResult);
		io.out(`pgha: restore drill of cluster ${name} on ${repo.name}: the latest backup into a throwaway PostgreSQL there, then its checks`);
		const run = await conn.run(script.path, {check: false, timeoutMs: drillTimeoutMs, onLine: (stream, line) => (stream === 'stdout' ? io.out : io.err)(redact(line))});
		const after = await conn.readFile(locations.backupVerifyResult);
		const result = after !== undefined && after !== before ? parseDrillResult(after) : undefined;
		if (!result) {
			io.err(`pgha: the drill on ${repo.name} ended with exit code ${run.code} and wrote no new result to ${locations.backupVerifyResult}; the lines above say why`);
			return exitCodes.failed;
		}
		for (const line of formatDrillResult(result, repo.name)) io.out(redact(line));
		return result.ok && run.code === 0 ? exitCodes.ok : exitCodes.failed;
	} finally {
		conn.close();
	}
};

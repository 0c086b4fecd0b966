import type {Answers} from '../../source/answers/schema.js';
import type {HostRun} from '../kit/step.js';
import {repoConfigPath} from './render.js';

/** pgbackrest on the repository host, as postgres, with the repository's config. */
export function pgbackrest(answers: Answers, command: string): string {
	return `runuser -u postgres -- pgbackrest --config=${repoConfigPath(answers)} --stanza=${answers.cluster.name} ${command}`;
}

/** One backup as `pgbackrest info` lists it. */
export type BackupEntry = {type: string; label: string; timestamp: {start: number; stop: number}; info: {size: number}};

/** The stanza as `pgbackrest info --output=json` reports it. */
export type StanzaInfo = {status: {code: number; message: string}; backup: BackupEntry[]};

/** `pgbackrest info` of the stanza, parsed; undefined when the repository does not answer. */
export async function backupInfo(run: HostRun, answers: Answers): Promise<StanzaInfo | undefined> {
	const result = await run(pgbackrest(answers, 'info --output=json'), {quiet: true, check: false});
	if (result.code !== 0) return undefined;
	try {
		return (JSON.parse(result.stdout) as StanzaInfo[])[0];
	} catch {
		return undefined;
	}
}

import {mkdir, readFile, stat} from 'node:fs/promises';
import {dirname} from 'node:path';
import {exec, run, type ExecResult} from './exec.js';

/** Makes the lab's ed25519 key pair unless it exists; returns the public key. */
export async function ensureLabKey(keyFile: string): Promise<string> {
	await mkdir(dirname(keyFile), {recursive: true, mode: 0o700});
	const exists = await stat(keyFile).catch(() => undefined);
	if (!exists) await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pgha-lab', '-f', keyFile]);
	return readFile(`${keyFile}.pub`, 'utf8');
}

// Lab hosts are made fresh on every `lab up`, so their host keys change:
// nothing is learned or checked, and nothing is written to known_hosts.
/** ssh options for reaching a lab host as root with the lab key. */
export function labSshArgs(ip: string, keyFile: string, connectTimeoutSeconds = 3): string[] {
	return [
		'-i',
		keyFile,
		'-o',
		'IdentitiesOnly=yes',
		'-o',
		'StrictHostKeyChecking=no',
		'-o',
		'UserKnownHostsFile=/dev/null',
		'-o',
		'BatchMode=yes',
		'-o',
		'LogLevel=ERROR',
		'-o',
		`ConnectTimeout=${connectTimeoutSeconds}`,
		`root@${ip}`,
	];
}

/** Runs a command on a lab host with the machine's ssh client. */
export function sshExec(ip: string, keyFile: string, command: string, timeoutMs = 60_000): Promise<ExecResult> {
	return exec('ssh', [...labSshArgs(ip, keyFile), command], {timeoutMs});
}

/** True when the host accepts the lab key and runs a command. */
export async function sshAnswers(ip: string, keyFile: string): Promise<boolean> {
	const result = await exec('ssh', [...labSshArgs(ip, keyFile, 2), 'true'], {timeoutMs: 8_000}).catch(() => undefined);
	return result?.code === 0;
}

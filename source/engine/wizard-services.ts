import {readdir, readFile} from 'node:fs/promises';
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {alphanumericSecret, passwordWithSymbol} from '../answers/passwords.js';
import {answersSchema, type AnswersInput} from '../answers/schema.js';
import {listClusters} from '../answers/cluster-names.js';
import {pghaHome} from '../paths.js';
import type {HostConnection} from '../transport/ssh.js';
import type {HostCheck, WizardServices} from '../app/services.js';
import type {EngineEvent} from '../app/events.js';

/**
 * Logs into one host and reports what the wizard shows: reachable, credentials,
 * OS, key, interfaces. With a `pinned` key, any other host key ends it before login.
 */
export async function checkHost(ip: string, ssh: AnswersInput['ssh'], signal?: AbortSignal, pinned?: {name: string; fingerprint: string}): Promise<HostCheck> {
	const settings = answersSchema.shape.ssh.parse(ssh ?? {});
	// SSH loads when a host is first checked, not before the wizard's first frame.
	const {HostConnection} = await import('../transport/ssh.js');
	let conn: HostConnection | undefined;
	try {
		conn = await HostConnection.open({name: pinned?.name ?? ip, ip}, settings, pinned?.fingerprint, signal);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const refused = /refused|login/i.test(message) && !/unreachable/.test(message);
		return {ok: false, reachable: refused, authenticated: false, error: message.replace(`${ip} (${ip})`, ip)};
	}
	try {
		const out = (await conn.run(`. /etc/os-release; echo "$PRETTY_NAME"; echo "$ID $VERSION_ID"; ip -o -4 addr show | awk '$2 != "lo" {print $2}' | sort -u | tr '\\n' ' '`, {check: false, timeoutMs: 15_000})).stdout.split('\n');
		const supported = out[1]?.trim() === 'debian 12';
		return {
			ok: supported,
			reachable: true,
			authenticated: true,
			os: out[0]?.trim(),
			supported,
			fingerprint: conn.fingerprint,
			interfaces: (out[2] ?? '').trim().split(/\s+/).filter(Boolean),
			...(supported ? {} : {error: `runs ${out[0]?.trim() || 'an unknown OS'}; pgha supports Debian 12 only`}),
		};
	} finally {
		conn.close();
	}
}

/**
 * The real services behind the wizard: SSH checks, bundle checks, the saved
 * store, the install engine and its log. `dispose` abandons host checks still
 * connecting, so the process can end as soon as the app does.
 */
export function wizardServices(env: NodeJS.ProcessEnv = process.env): WizardServices & {dispose(): void} {
	let logFile: string | undefined;
	const checks = new AbortController();
	return {
		dispose: () => checks.abort(),
		async listSshKeys() {
			const dir = join(homedir(), '.ssh');
			const files = await readdir(dir).catch(() => [] as string[]);
			return files.filter(f => files.includes(`${f}.pub`)).map(f => `~/.ssh/${f}`);
		},
		checkHost: (ip, ssh) => checkHost(ip, ssh, checks.signal),
		// The bundle code loads when a path is first checked, as SSH does for a host.
		inspectBundle: async path => (await import('../bundle/inspect.js')).inspectBundle(path),
		generatePassword: kind => (kind === 'vrrp' ? alphanumericSecret(8) : kind === 'cipher' ? passwordWithSymbol(48) : passwordWithSymbol(24)),
		savedClusters: async () => listClusters(env),
		async install({answers, input, restore, upgrade}, onEvent: (event: EngineEvent) => void, signal) {
			const {applyCluster} = await import('./install.js');
			const outcome = await applyCluster({
				answers,
				raw: input,
				...(restore ? {restore} : {}),
				...(upgrade ? {upgrade} : {}),
				signal,
				env,
				emit: event => {
					if (event.type === 'run-started') logFile = event.logFile;
					onEvent(event);
				},
			});
			return {ok: outcome.ok, logFile: outcome.logFile, answersFile: join(pghaHome(env), 'clusters', `${answers.cluster.name}.json`)};
		},
		async readLog(host) {
			if (!logFile || !existsSync(logFile)) return [];
			const prefix = `${host}: `;
			return (await readFile(logFile, 'utf8'))
				.split('\n')
				.map(line => line.replace(/^\S+ /, ''))
				.filter(line => line.startsWith(prefix) || line.startsWith('== '));
		},
	};
}

import {quote} from 'zx';
import type {RunOptions, RunResult} from '../../source/transport/ssh.js';

/** zx-style options: `quiet` keeps output out of the events, `nothrow` resolves on a non-zero exit. */
export type ShellOptions = {quiet?: boolean; nothrow?: boolean; timeoutMs?: number; stdin?: string};

/** A zx-style `$` that runs on a remote host: `` await $`systemctl is-active ${unit}` ``, or `$({quiet: true})` for a variant. */
export type RemoteShell = {
	(pieces: TemplateStringsArray, ...args: unknown[]): Promise<RunResult>;
	(options: ShellOptions): RemoteShell;
};

/** Builds the script the way zx does: every interpolated value is quoted with zx's `quote`, arrays word by word. */
export function buildScript(pieces: TemplateStringsArray, args: unknown[]): string {
	return pieces.reduce((script, piece, i) => {
		if (i === 0) return piece;
		const arg = args[i - 1];
		const quoted = Array.isArray(arg) ? arg.map(item => quote(String(item))).join(' ') : quote(String(arg));
		return `${script}${quoted}${piece}`;
	});
}

/** A remote `$` over a host's run function. */
export function remoteShell(run: (script: string, options?: RunOptions & {quiet?: boolean}) => Promise<RunResult>, defaults: ShellOptions = {}): RemoteShell {
	return ((first: TemplateStringsArray | ShellOptions, ...args: unknown[]) => {
		if (!Array.isArray(first)) return remoteShell(run, {...defaults, ...(first as ShellOptions)});
		const {quiet, nothrow, timeoutMs, stdin} = defaults;
		return run(buildScript(first as TemplateStringsArray, args), {quiet, check: !nothrow, ...(timeoutMs ? {timeoutMs} : {}), ...(stdin !== undefined ? {stdin} : {})});
	}) as RemoteShell;
}

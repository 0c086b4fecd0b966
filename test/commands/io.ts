import type {Flags, Io} from '../../source/commands/context.js';

/** Flags as the command line gives them when none is passed. */
export const noFlags: Flags = {yes: false, dryRun: false, json: false, check: false, debug: false, topology: 'seed', purge: false};

/** An Io that keeps what a command writes; not a terminal unless `interactive`. */
export function captureIo(env: NodeJS.ProcessEnv = {}, interactive = false): Io & {out: (text: string) => void; lines: string[]; errors: string[]; stdout: () => string; stderr: () => string} {
	const lines: string[] = [];
	const errors: string[] = [];
	return {
		lines,
		errors,
		out: text => lines.push(text),
		err: text => errors.push(text),
		interactive,
		env,
		stdout: () => lines.join('\n'),
		stderr: () => errors.join('\n'),
	};
}

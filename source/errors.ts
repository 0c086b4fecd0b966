/** Exit codes of the command-line contract. */
export const exitCodes = {ok: 0, failed: 1, usage: 2, drift: 3} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/**
 * An error meant for the person at the terminal: one clear message and the
 * exit code it maps to. Anything else that escapes is a bug and is reported
 * as such (with its stack only under --debug).
 */
export class UserError extends Error {
	constructor(
		message: string,
		readonly exitCode: ExitCode = exitCodes.failed,
	) {
		super(message);
		this.name = 'UserError';
	}
}

/** Bad usage or invalid answers: exit 2, nothing changed. */
export class UsageError extends UserError {
	constructor(message: string) {
		super(message, exitCodes.usage);
		this.name = 'UsageError';
	}
}

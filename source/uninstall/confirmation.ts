import {UsageError} from '../errors.js';

/** How an uninstall is confirmed: the name typed on the terminal, or given already with --yes --confirm NAME. */
export type Confirmation = 'ask' | 'confirmed';

/**
 * The rules: an uninstall is never confirmed by y/N. On a terminal the person
 * types the cluster's name; without one `--yes --confirm NAME` must name the
 * cluster. Anything else is bad usage (exit 2), before any host is reached.
 */
export function confirmationFor(flags: {yes: boolean; confirm?: string | undefined}, interactive: boolean, cluster: string): Confirmation {
	const given = flags.confirm;
	if (given !== undefined && given !== cluster)
		throw new UsageError(`--confirm ${given || '(empty)'} does not name the cluster; pass --confirm ${cluster} to uninstall cluster "${cluster}"`);
	if (given !== undefined && !flags.yes) throw new UsageError(`--confirm goes with --yes: pass --yes --confirm ${cluster}, or leave both out to type the name on a terminal`);
	if (flags.yes && given === undefined)
		throw new UsageError(`uninstall removes cluster "${cluster}" from its hosts; --yes needs --confirm ${cluster} (the cluster's name) too`);
	if (flags.yes) return 'confirmed';
	if (!interactive) throw new UsageError(`uninstall needs the cluster's name typed on a terminal; without one pass --yes --confirm ${cluster}`);
	return 'ask';
}

/** True when what was typed is the cluster's name (surrounding spaces ignored, nothing else). */
export function typedNameConfirms(typed: string, cluster: string): boolean {
	return typed.trim() === cluster;
}

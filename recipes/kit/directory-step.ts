import type {Step} from './step.js';

/**
 * A step that keeps a directory present with its owner and mode (never its
 * contents: data stays untouched). A symbolic link where the directory belongs
 * is refused, not followed: chown and chmod through it would hand its target
 * to the service user (mount the storage there instead of linking it).
 */
export function directoryStep(path: string, owner: string, mode: number, why?: string): Step {
	const want = `${owner}:${mode.toString(8)}`;
	const link = `${path} is a symbolic link where pgha keeps a directory owned by ${owner}; replace it with a real directory (or mount the storage there) and run again`;
	return {
		name: why ?? `directory ${path}`,
		// stat without -L describes a link itself (root:777), so a link never matches.
		check: async ctx => (await ctx.$({quiet: true, nothrow: true})`[ "$(stat -c '%U:%a' ${path} 2>/dev/null)" = ${want} ]`).code === 0,
		explain: async ctx => {
			if ((await ctx.$({quiet: true, nothrow: true})`test -L ${path}`).code === 0) return [link];
			return [`${path} is ${(await ctx.$({quiet: true, nothrow: true})`stat -c '%U:%a' ${path} 2>/dev/null || echo missing`).stdout.trim()}, should be ${want}`];
		},
		async apply(ctx) {
			if ((await ctx.$({quiet: true, nothrow: true})`test -L ${path}`).code === 0) throw new Error(link);
			// The test again in the same script, then -h: the owner changes on the directory itself, never on a link's target.
			await ctx.$`test ! -L ${path} && install -d -m ${mode.toString(8)} ${path} && chown -h ${`${owner}:${owner}`} ${path} && chmod ${mode.toString(8)} ${path}`;
		},
	};
}

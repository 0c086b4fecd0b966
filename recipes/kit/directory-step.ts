import type {Step} from './step.js';

/** A step that keeps a directory present with its owner and mode (never its contents: data stays untouched). */
export function directoryStep(path: string, owner: string, mode: number, why?: string): Step {
	const want = `${owner}:${mode.toString(8)}`;
	return {
		name: why ?? `directory ${path}`,
		check: async ctx => (await ctx.$({quiet: true, nothrow: true})`[ "$(stat -c '%U:%a' ${path} 2>/dev/null)" = ${want} ]`).code === 0,
		explain: async ctx => [`${path} is ${(await ctx.$({quiet: true, nothrow: true})`stat -c '%U:%a' ${path} 2>/dev/null || echo missing`).stdout.trim()}, should be ${want}`],
		apply: async ctx => void (await ctx.$`install -d -o ${owner} -g ${owner} -m ${mode.toString(8)} ${path}`),
	};
}

import {createHash} from 'node:crypto';
import {createTwoFilesPatch} from 'diff';
import type {Step, StepContext} from '../source/engine/step.js';

import type {ManagedFile} from '../source/render/index.js';

export type {ManagedFile};

/** The state of a file on a host, compared by hash so secret contents never cross the wire twice. */
export async function fileMatches(ctx: StepContext, file: ManagedFile): Promise<boolean> {
	const result = await ctx.$({quiet: true, nothrow: true})`if [ -f ${file.path} ]; then sha256sum < ${file.path} | cut -d' ' -f1; stat -c '%U:%G:%a' ${file.path}; fi`;
	const [hash, meta] = result.stdout.trim().split('\n');
	const want = createHash('sha256').update(file.content).digest('hex');
	return hash === want && meta === `${file.owner}:${file.group}:${file.mode.toString(8)}`;
}

/** How a file on a host differs from the rendered one: a unified diff, never the text of a secret file. */
export async function explainFile(ctx: StepContext, file: ManagedFile): Promise<string[]> {
	const want = `${file.owner}:${file.group}:${file.mode.toString(8)}`;
	const meta = (await ctx.$({quiet: true, nothrow: true})`stat -c '%U:%G:%a' ${file.path} 2>/dev/null || echo missing`).stdout.trim();
	if (meta === 'missing') return [`${file.path} is missing`];
	const lines = meta === want ? [] : [`owner and mode are ${meta}, should be ${want}`];
	if (file.secret) return [...lines, `${file.path} differs (it holds secrets, so no diff is shown)`];
	const live = (await ctx.conn.readFile(file.path)) ?? '';
	if (live === file.content) return lines;
	const patch = createTwoFilesPatch(`${file.path} (on host)`, `${file.path} (from answers)`, live, file.content, '', '', {context: 1});
	return [...lines, ...patch.split('\n').slice(2).filter(line => line !== '' && !line.startsWith('\\'))];
}

/** A step that keeps one file as rendered, marking its service for reload or restart when it changes. */
export function fileStep(file: ManagedFile): Step {
	return {
		name: `file ${file.path}`,
		check: ctx => fileMatches(ctx, file),
		explain: ctx => explainFile(ctx, file),
		async apply(ctx) {
			await ctx.conn.writeFile(file.path, file.content, file.owner, file.group, file.mode);
			if (file.service && file.onChange && file.onChange !== 'none') ctx.touch(file.service, file.onChange);
		},
	};
}

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

/** Fails with a readable message after the timeout; polls `probe` until it returns true. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 2_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await probe().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`gave up waiting ${Math.round(timeoutMs / 1000)} s for ${what}`);
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}

/**
 * Keeps a systemd unit enabled and running, and restarts or reloads it once
 * when one of its files changed in this run (and only then).
 */
export function serviceStep(unit: string, options: {reloadCommand?: string} = {}): Step {
	return {
		name: `service ${unit}`,
		async check(ctx) {
			if (ctx.touched.has(unit)) return false;
			const result = await ctx.run(`systemctl is-enabled --quiet ${unit} && systemctl is-active --quiet ${unit}`, {quiet: true, check: false});
			return result.code === 0;
		},
		explain: async ctx => [
			`${unit} is ${(await ctx.run(`systemctl is-enabled ${unit}; systemctl is-active ${unit}`, {quiet: true, check: false})).stdout.trim().replace('\n', ', ')}`,
		],
		async apply(ctx) {
			const how = ctx.touched.get(unit);
			ctx.touched.delete(unit);
			await ctx.run(`systemctl daemon-reload && systemctl enable --quiet ${unit}`);
			const active = (await ctx.run(`systemctl is-active --quiet ${unit}`, {quiet: true, check: false})).code === 0;
			if (!active) await ctx.run(`systemctl start ${unit}`);
			else if (how === 'restart') await ctx.run(`systemctl restart ${unit}`);
			else if (how === 'reload') await ctx.run(options.reloadCommand ?? `systemctl reload ${unit}`);
		},
	};
}

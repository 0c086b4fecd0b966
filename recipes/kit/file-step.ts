import {createHash} from 'node:crypto';
import {createTwoFilesPatch} from 'diff';
import {certificateDrift} from './certificate-file.js';
import type {ManagedFile} from './managed-file.js';
import type {Step, StepContext} from './step.js';
import {owe} from './pending-change.js';

/**
 * The state of a file on a host, compared by hash so secret contents never
 * cross the wire twice. A symbolic link at the path never matches (and is
 * never read through): the write replaces it with the file.
 */
export async function fileMatches(ctx: Pick<StepContext, '$'>, file: ManagedFile): Promise<boolean> {
	const result = await ctx.$({quiet: true, nothrow: true})`if [ -f ${file.path} ] && [ ! -L ${file.path} ]; then sha256sum < ${file.path} | cut -d' ' -f1; stat -c '%U:%G:%a' ${file.path}; fi`;
	const [hash, meta] = result.stdout.trim().split('\n');
	const want = createHash('sha256').update(file.content).digest('hex');
	return hash === want && meta === `${file.owner}:${file.group}:${file.mode.toString(8)}`;
}

/**
 * How a file on a host differs from the rendered one: a unified diff, never
 * the text of a secret file, nor of whatever a symbolic link at the path
 * points to (a link to /etc/shadow would put it in the log).
 */
export async function explainFile(ctx: StepContext, file: ManagedFile): Promise<string[]> {
	const want = `${file.owner}:${file.group}:${file.mode.toString(8)}`;
	const meta = (await ctx.$({quiet: true, nothrow: true})`test -L ${file.path} && echo link || stat -c '%U:%G:%a' ${file.path} 2>/dev/null || echo missing`).stdout.trim();
	if (meta === 'missing') return [`${file.path} is missing`];
	if (meta === 'link') return [`${file.path} is a symbolic link, not the file (pgha replaces it and never reads through it)`];
	const live = await ctx.conn.readFile(file.path);
	const problems = await certificateDrift(file, live);
	const lines = [...(meta === want ? [] : [`owner and mode are ${meta}, should be ${want}`]), ...problems];
	if (file.secret) return [...lines, `${file.path} differs (it holds secrets, so no diff is shown)`];
	// A certificate's base64 says nothing to a reader; its problems above do, else that it is another one.
	if (file.certificate) return problems.length > 0 || live === file.content ? lines : [...lines, `${file.path} is another certificate than the cluster's own`];
	if (live === undefined) return [...lines, `${file.path} differs (it cannot be read without following a link, so no diff is shown)`];
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
			if (file.service && file.onChange && file.onChange !== 'none') await owe(ctx, file.service, file.onChange);
		},
	};
}

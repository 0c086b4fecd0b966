/** One thing wrong with the answers: where it is, and what to do about it. */
export type Problem = {path: string; message: string};

/** Formats a zod-style path as people write it: `hosts[2].ip`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
	let out = '';
	for (const key of path) {
		if (typeof key === 'number') out += `[${key}]`;
		else out += out ? `.${String(key)}` : String(key);
	}
	return out || '(answer file)';
}

/** One line per problem, for error output. */
export function formatProblems(problems: readonly Problem[]): string {
	return problems.map(p => `  ${p.path}: ${p.message}`).join('\n');
}

import {readFile} from 'node:fs/promises';
import YAML, {LineCounter} from 'yaml';
import {answersSchema, type Answers} from './schema.js';
import {checkRules} from './rules.js';
import {resolveEnv} from './env.js';
import {formatPath, type Problem} from './problem.js';

/** The outcome of reading answers: usable answers, or every problem found. */
export type LoadResult =
	| {ok: true; answers: Answers; raw: unknown}
	| {ok: false; problems: Problem[]};

const tooDeep = 'nests values too deeply to read; an answer file is a few levels deep (see `pgha schema`): write the values out flat';

/** Parses YAML or JSON text into a plain value, reporting syntax errors with their line. */
export function parseAnswersText(text: string): {ok: true; value: unknown} | {ok: false; problems: Problem[]} {
	// Without prettyErrors the parser leaves linePos unset; the counter gives the line.
	const lineCounter = new LineCounter();
	let doc: ReturnType<typeof YAML.parseDocument>;
	try {
		doc = YAML.parseDocument(text, {prettyErrors: false, uniqueKeys: true, lineCounter});
	} catch (error) {
		// A document nested thousands of levels deep exhausts the parser's stack: refused, never a crash.
		if (error instanceof RangeError) return {ok: false, problems: [{path: '(answer file)', message: tooDeep}]};
		throw error;
	}
	if (doc.errors.length > 0) {
		return {
			ok: false,
			problems: doc.errors.some(error => /Maximum call stack/.test(error.message))
				? [{path: '(answer file)', message: tooDeep}]
				: doc.errors.map(error => ({path: `line ${lineCounter.linePos(error.pos[0]).line}`, message: `is not valid YAML or JSON: ${error.message.split('\n')[0]}`})),
		};
	}
	let value: unknown;
	try {
		// The yaml package stops expanding aliases past maxAliasCount and throws, so a
		// "billion laughs" file is refused here instead of filling the memory.
		value = doc.toJS({maxAliasCount: 100});
	} catch (error) {
		if (error instanceof RangeError) return {ok: false, problems: [{path: '(answer file)', message: tooDeep}]};
		return {
			ok: false,
			problems: [{path: '(answer file)', message: `cannot be read: ${error instanceof Error ? error.message : String(error)}; write each value out instead of using many YAML aliases (*name)`}],
		};
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		return {ok: false, problems: [{path: '(answer file)', message: 'must be a mapping of keys (version, cluster, hosts, ...); see `pgha schema`'}]};
	return {ok: true, value};
}

/** Validates an already-parsed value: environment references, schema, then cross-field rules. */
export function validateAnswers(value: unknown, env: NodeJS.ProcessEnv = process.env): LoadResult {
	const resolved = resolveEnv(value, env);
	const parsed = answersSchema.safeParse(resolved.value, {reportInput: true});
	if (!parsed.success) {
		// A missing variable already explains why its value is empty; say it once.
		const unset = new Set(resolved.problems.map(p => p.path));
		const problems = parsed.error.issues
			.map(issue => ({path: formatPath(issue.path), message: describeIssue(issue)}))
			.filter(p => !unset.has(p.path));
		return {ok: false, problems: [...resolved.problems, ...problems]};
	}
	const problems = [...resolved.problems, ...checkRules(parsed.data)];
	if (problems.length > 0) return {ok: false, problems};
	return {ok: true, answers: parsed.data, raw: value};
}

/** Reads and validates an answer file. */
export async function loadAnswersFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return {ok: false, problems: [{path: file, message: code === 'ENOENT' ? 'no such file; check the path' : `cannot be read (${code ?? String(error)})`}]};
	}
	const parsed = parseAnswersText(text);
	if (!parsed.ok) return parsed;
	return validateAnswers(parsed.value, env);
}

function describeIssue(issue: import('zod').core.$ZodIssue): string {
	if (issue.code === 'unrecognized_keys')
		return `has unknown key(s) ${issue.keys.map(k => `"${k}"`).join(', ')}; remove them or check the spelling (see \`pgha schema\`)`;
	if (issue.code === 'invalid_type') {
		const received = (issue as {input?: unknown}).input;
		if (received === undefined) return `is missing; add it (${issue.expected})`;
		return `must be ${article(issue.expected)}, not ${describeValue(received, isSecretPath(issue.path))}`;
	}
	if (issue.code === 'invalid_value' && 'values' in issue)
		return `must be one of ${issue.values.map(v => JSON.stringify(v)).join(', ')}`;
	return issue.message;
}

function article(type: string): string {
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown, secret: boolean): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	return secret ? `a ${typeof value}` : `${typeof value} ${JSON.stringify(value)}`;
}

// Values under these keys are never echoed back, even when they are the wrong type.
function isSecretPath(path: ReadonlyArray<PropertyKey>): boolean {
	return path[0] === 'passwords' || path.some(key => typeof key === 'string' && /password/i.test(key));
}

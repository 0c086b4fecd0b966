import {UsageError, exitCodes} from '../errors.js';
import type {Flags} from './context.js';
import {main} from './main.js';

/** One flag: its type, an optional one-letter form and its value when absent. */
export type FlagSpec = {type: 'string'; shortFlag?: string; default?: string} | {type: 'boolean'; shortFlag?: string; default?: boolean};

/** The flags as parsed from a spec: booleans are always set, strings when given or defaulted. */
export type ParsedFlags<S extends Record<string, FlagSpec>> = {
	[K in keyof S]: S[K] extends {type: 'boolean'} ? boolean : S[K] extends {default: string} ? string : string | undefined;
};

/** A spec that gives every flag of F, each with its type, or never (a type error where the spec is written). */
type SpecOf<F, S extends Record<string, FlagSpec>> = [ParsedFlags<S>] extends [F] ? ([keyof F] extends [keyof S] ? unknown : never) : never;

/** What a command line asks for: help, the version, or a command with its input and flags. */
export type CommandLine<S extends Record<string, FlagSpec>> = {kind: 'help'} | {kind: 'version'} | {kind: 'run'; input: string[]; flags: ParsedFlags<S>};

const kebab = (name: string) => name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Parses arguments the way pgha has always taken them: `--dry-run` (or
 * `--dryRun`), `--answers FILE` or `--answers=FILE`, `-a FILE`, `-yc NAME`,
 * `--no-yes`, and `--` before input that starts with a dash. A string flag
 * with no value after it is empty (`lab up --mirror`). An unknown flag is a
 * UsageError (exit 2).
 */
export function parseCommandLine<S extends Record<string, FlagSpec>>(argv: string[], spec: S): CommandLine<S> {
	if (argv.includes('--help')) return {kind: 'help'};
	if (argv.includes('--version')) return {kind: 'version'};
	const flags: Record<string, string | boolean | undefined> = {};
	for (const [name, flag] of Object.entries(spec)) flags[name] = flag.type === 'boolean' ? (flag.default ?? false) : flag.default;
	const byShort = new Map(Object.entries(spec).flatMap(([name, flag]) => (flag.shortFlag ? [[flag.shortFlag, name] as const] : [])));
	const input: string[] = [];
	const unknown = (arg: string): never => {
		throw new UsageError(`unknown flag ${arg}. Run \`pgha --help\` for the flags.`);
	};
	// A string flag takes the next argument unless that is another flag.
	const take = (index: number): [string, number] => {
		const next = argv[index + 1];
		return next !== undefined && !/^-[^\d.]/.test(next) ? [next, index + 1] : ['', index];
	};
	const booleanValue = (arg: string, value: string): boolean => {
		if (value === 'true' || value === 'false') return value === 'true';
		throw new UsageError(`${arg} takes no value (or true or false), not "${value}"`);
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') {
			input.push(...argv.slice(i + 1));
			break;
		}
		if (arg.startsWith('--')) {
			const equals = arg.indexOf('=');
			const written = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
			const inline = equals === -1 ? undefined : arg.slice(equals + 1);
			let name = camel(written);
			let negated = false;
			if (!spec[name] && written.startsWith('no-') && spec[camel(written.slice(3))]?.type === 'boolean' && inline === undefined) {
				name = camel(written.slice(3));
				negated = true;
			}
			const flag = spec[name] ?? (written !== kebab(written) ? spec[written] : undefined);
			if (!flag) unknown(`--${written}`);
			if (flag!.type === 'boolean') flags[name] = negated ? false : inline === undefined ? true : booleanValue(`--${written}`, inline);
			else if (inline !== undefined) flags[name] = inline;
			else [flags[name], i] = take(i);
			continue;
		}
		if (arg.startsWith('-') && arg.length > 1 && !/^-[\d.]/.test(arg)) {
			const letters = arg.slice(1);
			for (let j = 0; j < letters.length; j++) {
				const name = byShort.get(letters[j]!);
				if (!name) unknown(`-${letters[j]}`);
				const flag = spec[name!]!;
				if (flag.type === 'boolean') flags[name!] = true;
				else if (j < letters.length - 1) {
					// `-aFILE`: the rest of the letters is the value.
					flags[name!] = letters.slice(j + 1);
					break;
				} else [flags[name!], i] = take(i);
			}
			continue;
		}
		input.push(arg);
	}
	return {kind: 'run', input, flags: flags as ParsedFlags<S>};
}

/** Redents help text written with tabs in source: the common indent goes, two spaces come. */
function redent(text: string): string {
	const lines = text.replace(/^\n+|\s+$/g, '').split('\n');
	const indent = Math.min(...lines.filter(line => line.trim()).map(line => /^\t*/.exec(line)![0].length));
	return lines.map(line => (line.trim() ? `  ${line.slice(indent)}` : '')).join('\n');
}

/**
 * pgha from its arguments to its exit code: `--help` and `--version` here,
 * a bad flag as exit 2, everything else to main().
 */
export async function runCommandLine<const S extends Record<string, FlagSpec>>(argv: string[], help: string, spec: S & SpecOf<Flags, S>): Promise<number> {
	// ps and top show pgha by its name, as they did when meow parsed the flags, not as node and a path.
	process.title = 'pgha';
	let line: CommandLine<S>;
	try {
		line = parseCommandLine(argv, spec);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		process.stderr.write(`pgha: ${error.message}\n`);
		return exitCodes.usage;
	}
	// SpecOf has checked that the spec gives every flag with its type.
	if (line.kind === 'run') return main(line.input, line.flags as unknown as Flags);
	const {pghaPackage} = await import('../version.js');
	const pkg = pghaPackage();
	process.stdout.write(line.kind === 'version' ? `${pkg.version}\n` : `\n  ${pkg.description}\n\n${redent(help)}\n\n`);
	return 0;
}

import {parseArgs} from 'node:util';
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

/**
 * Parses arguments with Node's own parser (util.parseArgs), in the forms pgha
 * has always taken: `--dry-run` (or `--dryRun`), `--answers FILE` or
 * `--answers=FILE`, `-a FILE`, `-yc NAME`, and `--` before input that starts
 * with a dash. A string flag with no value after it is empty (`lab up
 * --mirror`). An unknown flag is a UsageError (exit 2).
 */
export function parseCommandLine<S extends Record<string, FlagSpec>>(argv: string[], spec: S): CommandLine<S> {
	const end = argv.indexOf('--');
	const flagsPart = end === -1 ? argv : argv.slice(0, end);
	if (flagsPart.includes('--help')) return {kind: 'help'};
	if (flagsPart.includes('--version')) return {kind: 'version'};
	const options = Object.fromEntries(Object.entries(spec).map(([name, flag]) => [kebab(name), {type: flag.type, ...(flag.shortFlag ? {short: flag.shortFlag} : {})}]));
	const stringFlag = (arg: string) => {
		if (/^--[^=]+$/.test(arg)) return options[arg.slice(2)]?.type === 'string' ? arg : undefined;
		const long = Object.entries(spec).find(([, flag]) => flag.shortFlag && arg === `-${flag.shortFlag}` && flag.type === 'string');
		return long ? `--${kebab(long[0])}` : undefined;
	};
	const isFlag = (arg: string | undefined) => arg !== undefined && /^-[^\d.]/.test(arg);
	const args = flagsPart.map((arg, i) => {
		// --dryRun is --dry-run; a string flag with nothing after it (or another flag) is given as empty.
		const written = arg.startsWith('--') ? `--${kebab(arg.slice(2, arg.includes('=') ? arg.indexOf('=') : undefined))}${arg.includes('=') ? arg.slice(arg.indexOf('=')) : ''}` : arg;
		const asString = stringFlag(written);
		return asString && (i + 1 >= flagsPart.length || isFlag(flagsPart[i + 1])) ? `${asString}=` : written;
	});
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({args: [...args, ...(end === -1 ? [] : argv.slice(end))], options, allowPositionals: true, strict: true});
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const named = /'(-[^' ]+)/.exec(message)?.[1];
		if ((error as {code?: string}).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${named ?? ''}. Run \`pgha --help\` for the flags.`);
		throw new UsageError(`${message.split('.')[0]}. Run \`pgha --help\` for the flags.`);
	}
	const flags: Record<string, string | boolean | undefined> = {};
	for (const [name, flag] of Object.entries(spec)) flags[name] = (parsed.values[kebab(name)] as string | boolean | undefined) ?? (flag.type === 'boolean' ? (flag.default ?? false) : flag.default);
	return {kind: 'run', input: parsed.positionals, flags: flags as ParsedFlags<S>};
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
	// ps and top show pgha by its name, not as node and a path.
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

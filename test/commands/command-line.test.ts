import {describe, expect, it} from 'vitest';
import {parseCommandLine, type FlagSpec} from '../../source/commands/command-line.js';
import {UsageError} from '../../source/errors.js';

const spec = {
	answers: {type: 'string', shortFlag: 'a'},
	cluster: {type: 'string', shortFlag: 'c'},
	yes: {type: 'boolean', shortFlag: 'y', default: false},
	dryRun: {type: 'boolean', default: false},
	topology: {type: 'string', default: 'seed'},
	writeAnswers: {type: 'string'},
	mirror: {type: 'string'},
} satisfies Record<string, FlagSpec>;

const run = (...argv: string[]) => {
	const line = parseCommandLine(argv, spec);
	if (line.kind !== 'run') throw new Error(`expected a command, got ${line.kind}`);
	return line;
};

describe('parseCommandLine', () => {
	it('gives every flag its default when none is passed', () => {
		expect(run()).toEqual({kind: 'run', input: [], flags: {answers: undefined, cluster: undefined, yes: false, dryRun: false, topology: 'seed', writeAnswers: undefined, mirror: undefined}});
	});

	it('takes input and flags in any order, long flags in kebab or camel case', () => {
		const line = run('install', '--dry-run', '--answers', 'a.yaml', '--write-answers=lab.yaml', 'extra', '--topology=compact');
		expect(line.input).toEqual(['install', 'extra']);
		expect(line.flags).toMatchObject({dryRun: true, answers: 'a.yaml', writeAnswers: 'lab.yaml', topology: 'compact'});
		expect(run('--dryRun', '--writeAnswers', 'x').flags).toMatchObject({dryRun: true, writeAnswers: 'x'});
	});

	it('takes short flags alone, grouped, and with the value attached', () => {
		expect(run('-y', '-a', 'f.yaml').flags).toMatchObject({yes: true, answers: 'f.yaml'});
		expect(run('-yc', 'prod').flags).toMatchObject({yes: true, cluster: 'prod'});
		expect(run('-af.yaml').flags).toMatchObject({answers: 'f.yaml'});
	});

	it('a string flag with no value after it is empty, and the next flag still counts', () => {
		expect(run('lab', 'up', '--mirror').flags.mirror).toBe('');
		const line = run('lab', 'up', '--mirror', '--topology', 'compact');
		expect(line.flags).toMatchObject({mirror: '', topology: 'compact'});
		expect(line.input).toEqual(['lab', 'up']);
	});

	it('a boolean flag takes no value', () => {
		expect(() => run('--yes=maybe')).toThrow(UsageError);
		expect(() => run('--yes=maybe')).toThrow(/--yes/);
	});

	it('everything after -- is input, dashes and all', () => {
		expect(run('answers', 'import', '--', '-odd-name.yaml', '--yes')).toMatchObject({input: ['answers', 'import', '-odd-name.yaml', '--yes'], flags: {yes: false}});
	});

	it('an unknown flag, long or short, is a usage error naming it', () => {
		expect(() => run('validate', '--frobnicate')).toThrow(UsageError);
		expect(() => run('validate', '--frobnicate')).toThrow('unknown flag --frobnicate');
		expect(() => run('-yz')).toThrow('unknown flag -z');
		expect(() => run('--no-yes')).toThrow('unknown flag --no-yes');
	});

	it('--help and --version win wherever they are', () => {
		expect(parseCommandLine(['--help'], spec)).toEqual({kind: 'help'});
		expect(parseCommandLine(['validate', 'x.yaml', '--help'], spec)).toEqual({kind: 'help'});
		expect(parseCommandLine(['--version'], spec)).toEqual({kind: 'version'});
	});
});

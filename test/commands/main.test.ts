import {readFileSync} from 'node:fs';
import {beforeAll, describe, expect, it, vi} from 'vitest';
import {main} from '../../source/commands/main.js';
import {root} from '../answers/fixtures.js';
import {ensureBuilt, runCli} from './cli.js';
import {captureIo, noFlags} from './io.js';

// A command that fails the way a bug would: with an Error that is not a UserError.
vi.mock('../../source/commands/schema.js', () => ({
	schema: async () => {
		throw new Error('schema exploded');
	},
}));

const stackLine = /^\s+at /m;

beforeAll(ensureBuilt, 180_000);

describe('pgha (built CLI)', () => {
	it('--help lists the commands and exits 0', async () => {
		const result = await runCli(['--help']);
		expect(result.code).toBe(0);
		for (const command of ['install', 'plan --answers FILE', 'validate FILE', 'add-replica', 'trust-host NAME', 'lab replace NAME', 'answers list', 'backup [--cluster NAME] [--type full|diff|incr]', 'backups [--cluster NAME] [--json]', 'restore [--cluster NAME] --to', 'uninstall [--cluster NAME] [--wipe-data] [--wipe-backups] [--yes --confirm NAME] [--dry-run]', '--confirm', 'Exit codes'])
			expect(result.stdout).toContain(command);
	});

	it('--version prints the package version and exits 0', async () => {
		const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {version: string};
		const result = await runCli(['--version']);
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe(version);
	});

	it('an unknown command is exit 2 and points at --help', async () => {
		const result = await runCli(['frobnicate']);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('unknown command "frobnicate"');
		expect(result.stderr).toContain('pgha --help');
	});

	it('backup --type takes full, diff or incr: anything else is exit 2 before any cluster is read', async () => {
		const result = await runCli(['backup', '--type', 'weekly']);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe('pgha: --type must be full, diff or incr, not "weekly"; nothing was changed\n');
	});

	it('an unknown flag is exit 2', async () => {
		const result = await runCli(['validate', '--frobnicate']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/frobnicate/);
	});

	it('an error is one message; its stack shows only with --debug', async () => {
		const plain = await runCli(['validate', '/nonexistent/answers.yaml']);
		expect(plain.code).toBe(2);
		expect(plain.stderr).toMatch(/^pgha: /);
		expect(plain.stderr).toContain('no such file');
		expect(plain.stderr).not.toMatch(stackLine);

		const debug = await runCli(['validate', '/nonexistent/answers.yaml', '--debug']);
		expect(debug.code).toBe(2);
		expect(debug.stderr).toContain('no such file');
		expect(debug.stderr).toMatch(stackLine);
	});
});

describe('main', () => {
	it('reports an unexpected error as exit 1, with its stack only under --debug', async () => {
		const io = captureIo();
		expect(await main(['schema'], noFlags, io)).toBe(1);
		expect(io.stderr()).toContain('pgha: unexpected error: schema exploded');
		expect(io.stderr()).toContain('Run again with --debug for details.');
		expect(io.stderr()).not.toMatch(stackLine);

		const debug = captureIo();
		expect(await main(['schema'], {...noFlags, debug: true}, debug)).toBe(1);
		expect(debug.stderr()).toContain('schema exploded');
		expect(debug.stderr()).toMatch(stackLine);
		expect(debug.stderr()).not.toContain('Run again with --debug');
	});

	it('an unknown command is exit 2 and runs nothing', async () => {
		const io = captureIo();
		expect(await main(['frobnicate'], noFlags, io)).toBe(2);
		expect(io.lines).toEqual([]);
		expect(io.stderr()).toContain('unknown command "frobnicate"');
	});

	it('without a terminal the wizard asks nothing and says how to install from a file (exit 2)', async () => {
		for (const input of [[], ['wizard']]) {
			const io = captureIo();
			expect(await main(input, noFlags, io)).toBe(2);
			expect(io.stderr()).toContain('pgha install --answers FILE --yes');
		}
	});
});

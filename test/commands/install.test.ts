import {rmSync} from 'node:fs';
import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {main} from '../../source/commands/main.js';
import {root} from '../answers/fixtures.js';
import {ensureBuilt, runCli} from './cli.js';
import {captureIo, noFlags} from './io.js';
import {sshAttempts} from './no-ssh.js';
import {emptyHome, savedSeed, snapshot} from './saved-cluster.js';

vi.mock('../../source/transport/ssh.js', async importOriginal => (await import('./no-ssh.js')).withoutSsh(await importOriginal()));

const seedFile = `${root}examples/seed-topology.yaml`;
const homes: string[] = [];
const home = (env: Record<string, string>) => (homes.push(env['PGHA_HOME']!), env);

beforeAll(ensureBuilt, 180_000);
beforeEach(() => void sshAttempts.splice(0));
afterAll(() => homes.forEach(dir => rmSync(dir, {recursive: true, force: true})));

describe('pgha install without --yes and without a terminal', () => {
	it('is refused with exit 2, naming --yes, before any connection or change (--answers)', async () => {
		const env = home(emptyHome());
		const io = captureIo(env);
		expect(await main(['install'], {...noFlags, answers: seedFile}, io)).toBe(2);
		expect(io.stderr()).toContain('--yes');
		expect(io.lines).toEqual([]);
		expect(sshAttempts).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual({});
	});

	it('is refused the same way for a saved cluster, which stays as it was (--cluster)', async () => {
		const env = home(savedSeed());
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['install'], {...noFlags, cluster: 'produccion'}, io)).toBe(2);
		expect(io.stderr()).toContain('--yes');
		expect(sshAttempts).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('the mock stands between pgha and the network: a host check reaches it', async () => {
		const {checkHost} = await import('../../source/engine/wizard-services.js');
		const check = await checkHost('127.0.0.1', {});
		expect(check.ok).toBe(false);
		expect(sshAttempts).toEqual(['127.0.0.1']);
	});
});

describe('pgha install --dry-run', () => {
	for (const [how, flags, env] of [
		['--answers FILE', {answers: seedFile}, () => home(emptyHome())],
		['--cluster NAME', {cluster: 'produccion'}, () => home(savedSeed())],
	] as const) {
		it(`prints the plan, connects nowhere and exits 0 (${how})`, async () => {
			const environment = env();
			const before = snapshot(environment['PGHA_HOME']!);
			const io = captureIo(environment);
			expect(await main(['install'], {...noFlags, ...flags, dryRun: true}, io)).toBe(0);
			expect(io.stdout()).toMatch(/^Plan for cluster "produccion"/);
			expect(io.stdout()).toContain(':5000/aplicacion');
			expect(io.errors).toEqual([]);
			expect(sshAttempts).toEqual([]);
			expect(snapshot(environment['PGHA_HOME']!)).toEqual(before);
		});
	}

	it('prints the plan as JSON with --json', async () => {
		const io = captureIo(home(savedSeed()));
		expect(await main(['install'], {...noFlags, cluster: 'produccion', dryRun: true, json: true}, io)).toBe(0);
		expect((JSON.parse(io.stdout()) as {phases: unknown[]}).phases.length).toBeGreaterThan(0);
	});

	it('works from the built CLI with a saved cluster', async () => {
		const env = home(savedSeed());
		const result = await runCli(['install', '--dry-run', '--cluster', 'produccion'], env);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^Plan for cluster "produccion"/);
		for (const secret of Object.values(env).filter(value => value !== env['PGHA_HOME'])) expect(result.stdout).not.toContain(secret);
	});
});

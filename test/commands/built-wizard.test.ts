import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {root} from '../answers/fixtures.js';
import {ensureBuilt} from './cli.js';

// The bundle runs React's production build, which the ink-testing-library
// tests never load: this starts the built pgha in a real pseudo-terminal
// (script from util-linux) and quits it the ways a person does.
const title = 'pgha · a highly available PostgreSQL cluster';
const escapes = /\u001b\[[0-9;?]*[A-Za-z]/g;
const homes: string[] = [];
const running = new Set<ChildProcess>();

type Session = {screen: () => string; send: (keys: string) => void; waitFor: (text: string) => Promise<void>; exit: Promise<number | null>};

/** The built pgha with no command in a 120x40 terminal, with an empty home: no saved clusters, no settings. */
function startWizard(): Session {
	const home = mkdtempSync(join(tmpdir(), 'pgha-built-wizard-'));
	homes.push(home);
	const env = {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PGHA_HOME: join(home, 'pgha'), TERM: 'xterm-256color', LANG: 'C.UTF-8'};
	const command = `stty cols 120 rows 40 && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'dist/cli.js'))}`;
	// -e: script exits with pgha's own exit code.
	const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: root, env, stdio: ['pipe', 'pipe', 'pipe']});
	running.add(child);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	const exit = new Promise<number | null>((resolve, reject) => {
		child.on('error', error => reject(new Error(`script (util-linux) could not start pgha in a terminal: ${error.message}`)));
		child.on('close', code => {
			running.delete(child);
			resolve(code);
		});
	});
	const screen = () => output.replace(escapes, '');
	return {
		screen,
		send: keys => child.stdin.write(keys),
		exit,
		async waitFor(text) {
			const started = Date.now();
			let left = false;
			void exit.then(() => (left = true)).catch(() => (left = true));
			while (!screen().includes(text)) {
				if (left || Date.now() - started > 10_000) throw new Error(`${left ? 'pgha left' : 'timed out'} before showing "${text}"; the terminal showed:\n${screen()}`);
				await new Promise(resolve => setTimeout(resolve, 25));
			}
		},
	};
}

/** Resolves with the exit code, or rejects when pgha is still running after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms))]);
}

beforeAll(ensureBuilt, 180_000);

// Never left running, whatever a test's outcome: a pgha that did not leave is
// killed by its pid, with script around it (killing script alone leaves pgha
// to notice its terminal is gone).
afterEach(async () => {
	for (const child of running) {
		const pgha = child.pid === undefined ? [] : childPids(child.pid);
		for (const pid of [...pgha, child.pid]) if (pid !== undefined) killQuietly(pid);
		await new Promise(resolve => child.once('close', resolve));
	}
	for (const home of homes.splice(0)) rmSync(home, {recursive: true, force: true});
});

function childPids(pid: number): number[] {
	try {
		return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
	} catch {
		return [];
	}
}

function killQuietly(pid: number): void {
	try {
		process.kill(pid, 'SIGKILL');
	} catch {
		// Already gone.
	}
}

describe('the built pgha in a terminal', () => {
	it('script is there to give it one', () => {
		expect(spawnSync('script', ['--version'], {encoding: 'utf8'}).stdout).toMatch(/util-linux/);
	});

	it.each([
		['q', 'q'],
		['Esc', '\u001b'],
		['Ctrl-C', '\u0003'],
	])('shows the start screen and leaves with exit 0 on %s', async (_name, keys) => {
		const wizard = startWizard();
		await wizard.waitFor('What do you want to do?');
		expect(wizard.screen()).toContain(title);
		expect(wizard.screen()).toContain('New cluster');
		wizard.send(keys);
		expect(await within(wizard.exit, 5000, 'pgha did not leave')).toBe(0);
		// Its last frame says what happened.
		expect(wizard.screen()).toContain('Nothing was installed.');
	});

	it('ships React and its reconciler as their production builds', () => {
		const chunks = readdirSync(join(root, 'dist/chunks')).filter(file => file.endsWith('.js'));
		const bundled = [join(root, 'dist/cli.js'), ...chunks.map(file => join(root, 'dist/chunks', file))].map(file => readFileSync(file, 'utf8')).join('\n');
		// esbuild names each bundled file in a comment above its code.
		expect(bundled).toContain('react-reconciler/cjs/react-reconciler.production.js');
		expect(bundled).toContain('react/cjs/react.production.js');
		expect(bundled).not.toMatch(/react(-reconciler)?\/cjs\/[a-z-]+\.development\.js/);
	});
});

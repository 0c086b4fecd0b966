import {spawnSync} from 'node:child_process';
import {copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import YAML from 'yaml';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {cliPath, labUnavailable, pgha, readAnswers} from './helpers.js';
import {freshLab} from './lab-owner.js';
import {watched} from './process-watch.js';

// The wizard as a person meets it: the built pgha in a real terminal (tmux,
// 120x40), every step answered with keys against the lab's compact hosts,
// the screens read back with capture-pane. Then the cluster it made is used
// and verified, and its exported answers install again changing nothing.
const skip = labUnavailable();
const work = join(tmpdir(), 'pgha-e2e-wizard');
const labFile = join(work, 'lab.yaml');
const home = join(work, 'home');
const pghaHome = join(work, 'pgha');
const pgpass = join(work, 'pgpass');
const exported = join(work, 'exported.yaml');
const cluster = 'asistente';
// A server of its own: nothing here reads or changes a tmux the machine already runs.
const socket = 'pgha-e2e-wizard';
const session = 'pgha-wizard';
const env = {PGHA_HOME: pghaHome, HOME: home};
let lab: ReturnType<typeof readAnswers>;
let connection = '';

function tmux(...args: string[]): string {
	const result = spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8', env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8'}});
	if (result.error) throw new Error(`tmux: ${result.error.message} (tmux is needed for this test; .ci/run installs it)`);
	if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: exit ${result.status}: ${result.stderr}`);
	return result.stdout;
}

const screen = () => tmux('capture-pane', '-p', '-t', session);
const keys = (...names: string[]) => void tmux('send-keys', '-t', session, ...names);
const type = (text: string) => void tmux('send-keys', '-t', session, '-l', text);

/**
 * pgha's exit status once it has left, else undefined. A shell around pgha
 * prints it: tmux may mark the pane dead before it has reaped the process,
 * leaving its own exit status empty.
 */
function exitStatus(): number | undefined {
	const found = /\[pgha exited (\d+)\]/.exec(tmux('capture-pane', '-p', '-t', session, '-S', '-200'));
	return found ? Number(found[1]) : undefined;
}

/**
 * Polls the screen until it shows `expected`, failing with the last screen
 * after `timeoutMs`, at once when `failure` shows, or when pgha has exited.
 */
async function waitFor(expected: string | RegExp | ((text: string) => boolean), timeoutMs = 30_000, failure?: RegExp): Promise<string> {
	const shows = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected instanceof RegExp ? expected.test(text) : expected(text));
	const start = Date.now();
	for (;;) {
		const text = screen();
		if (shows(text)) return text;
		const status = exitStatus();
		const why = failure?.test(text) ? 'the screen shows a failure' : status !== undefined ? `pgha exited ${status}` : Date.now() - start > timeoutMs ? `timed out after ${timeoutMs} ms` : undefined;
		if (why) throw new Error(`${why} waiting for ${String(expected)}; last screen:\n${text}`);
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

function show(what: string, text: string): void {
	console.log(`---- ${what} ----\n${text.trimEnd()}\n----`);
	writeFileSync(join(work, `${what.replaceAll(' ', '-')}.txt`), text);
}

const labBundle = () => (YAML.parse(readFileSync(labFile, 'utf8')) as {packages?: {bundle?: string}}).packages?.bundle ?? 'the lab made no bundle';
const ipOf = (name: string) => lab.hosts.find(host => host.name === name)!.ip;
const secrets = () => JSON.parse(readFileSync(join(pghaHome, 'clusters', `${cluster}.secrets.json`), 'utf8')) as Record<string, string>;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe.skipIf(skip)('the wizard in a real terminal on the compact lab', () => {
	beforeAll(async () => {
		// Another file of this run may have left its lab up; this one starts from fresh compact hosts.
		rmSync(work, {recursive: true, force: true});
		mkdirSync(join(home, '.ssh'), {recursive: true, mode: 0o700});
		const up = await freshLab(['--topology', 'compact', '--write-answers', labFile], env);
		expect(up.code, up.stderr + up.stdout).toBe(0);
		lab = readAnswers(labFile);
		// The wizard offers the keys of ~/.ssh that have a .pub beside them; this home holds only the lab's.
		copyFileSync(lab.ssh.identityFile, join(home, '.ssh', 'id_ed25519'));
		copyFileSync(`${lab.ssh.identityFile}.pub`, join(home, '.ssh', 'id_ed25519.pub'));
		spawnSync('tmux', ['-L', socket, 'kill-session', '-t', session], {stdio: 'ignore'});
	});

	afterAll(() => {
		spawnSync('tmux', ['-L', socket, 'kill-session', '-t', session], {stdio: 'ignore'});
	});

	test('every step answered with keys: the review draws the topology, the panes show the install at work, the done screen a connection string', async () => {
		const started = Date.now();
		const command = `env CI=false HOME=${home} PGHA_HOME=${pghaHome} TERM=xterm-256color sh -c '${process.execPath} ${cliPath}; echo "[pgha exited $?]"'`;
		tmux('-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '120', '-y', '40', command, ';', 'set-option', '-w', '-t', session, 'remain-on-exit', 'on');

		// Keys sent before a screen's first frame are lost: each screen's title is waited for first.
		await waitFor('New cluster');
		keys('Enter');

		await waitFor('1/9 Cluster');
		type(cluster);
		await waitFor(new RegExp(`Cluster name\\s+${cluster}`));
		// The layout is the field after the name; → moves it from the 9-host preset to the compact one.
		keys('Enter', 'Right');
		await waitFor('Compact: 3 hosts');
		keys('Enter', 'Enter');

		await waitFor('2/9 SSH access');
		// The keys of ~/.ssh are read after the first frame; Enter before that would leave the key blank.
		await waitFor('~/.ssh/id_ed25519');
		keys('Enter', 'Enter', 'Enter', 'Enter', 'Enter');

		await waitFor('3/9 Hosts');
		keys('Tab');
		for (const name of ['node1', 'node2', 'node3']) {
			type(ipOf(name));
			keys('Enter');
		}
		await waitFor('Accept all 3 host key(s) shown', 60_000, /✗/);
		keys('Up', 'Enter');
		await waitFor(text => text.split('[x] key accepted').length === 4);
		keys('Down', 'Enter');

		await waitFor('4/9 Network');
		type(lab.network.vip);
		keys('Enter', 'Enter', 'Enter', 'Enter', 'Enter');

		// The lab's hosts have no package source: the bundle the lab made, its path typed and checked.
		await waitFor('5/9 Packages');
		keys('Right');
		await waitFor('Bundle file');
		keys('Enter');
		type(labBundle());
		keys('Enter');
		await waitFor(/bundle for Debian 12[^\n]*packages/, 60_000, /no file at|cannot be used|not a pgha bundle/);
		keys('Enter');

		await waitFor('6/9 Passwords');
		keys('Enter', 'Enter');

		await waitFor('7/9 Backups');
		keys('Enter', 'Enter', 'Enter');

		// The defaults: async commits, normal failover speed.
		await waitFor('8/9 Failover');
		keys('Enter', 'Enter', 'Enter');

		const review = await waitFor('9/9 Review');
		show('review screen', review);
		for (const drawn of ['clients', 'balancers', 'postgres', '3 member(s) tolerate 1 failure(s)', 'backups', '▼']) expect(review).toContain(drawn);
		expect(review).toMatch(new RegExp(`VIP\\s+${lab.network.vip.replaceAll('.', '\\.')}\\s+:5000 read-write`));
		for (const name of ['node1', 'node2', 'node3']) expect(review).toContain(`■ ${name} ${ipOf(name)}`);
		expect(review).toMatch(/› Install/);
		console.log(`wizard answered in ${seconds(Date.now() - started)}`);
		keys('Enter');

		// Past the preflight, a pane at work: its spinner and elapsed time, and the step it runs with that step's own clock.
		const working = await waitFor(/phase [2-9]\/\d+[\s\S]*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \d+(m\d\d)?s[\s\S]*\(\d+(m\d\d)?s\)/, 600_000, /The install (failed|could not run)/);
		show('install screen', working);
		for (const name of ['node1', 'node2', 'node3']) expect(working).toContain(name);

		const installing = Date.now();
		const done = await waitFor(`✓ Cluster ${cluster} is installed`, 1_500_000, /The install (failed|could not run)/);
		show('done screen', done);
		console.log(`install through the wizard: ${seconds(Date.now() - installing)}`);
		// The strings check the server against the cluster CA, kept beside the saved cluster.
		const ca = join(pghaHome, 'clusters', `${cluster}.keys`, 'ca.crt');
		connection = `postgresql://aplicacion@${lab.network.vip}:5000/aplicacion?sslmode=verify-full&sslrootcert=${ca}`;
		// Ink wraps a long string inside its box, continuing it on the next line after the box's margin.
		const unwrapped = (text: string) => text.replace(/\n\s*/g, '');
		expect(unwrapped(done)).toContain(connection);
		expect(unwrapped(done)).toContain(join(pghaHome, 'clusters', `${cluster}.json`));

		keys('Enter');
		await waitFor(() => exitStatus() !== undefined, 10_000);
		expect(exitStatus()).toBe(0);
		// Once it has left, the strings are printed again on lines of their own, whole for copying.
		const left = screen();
		show('after leaving', left);
		expect(left).toContain('read-write, through the VIP:');
		expect(unwrapped(left)).toContain(connection);
	});

	test('the connection string works with the generated password through VIP:5000, and verify passes', async () => {
		expect(connection).not.toBe('');
		const shown = await pgha(['answers', 'show', cluster], env);
		expect(shown.code, shown.stderr).toBe(0);
		expect(shown.stdout).toContain('${PGHA_APP_PASSWORD}');
		const password = secrets()['PGHA_APP_PASSWORD']!;
		expect(password.length).toBeGreaterThanOrEqual(12);
		expect(shown.stdout).not.toContain(password);

		// The password goes only into a 0600 PGPASSFILE, never onto a command line.
		writeFileSync(pgpass, `*:*:*:aplicacion:${password.replace(/[\\:]/g, '\\$&')}\n`, {mode: 0o600});
		const psql = spawnSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', connection, '-c', "select current_user || ' ' || pg_is_in_recovery()"], {
			encoding: 'utf8',
			env: {...process.env, PGPASSFILE: pgpass, PGCONNECT_TIMEOUT: '5'},
			timeout: 30_000,
		});
		expect(psql.status, psql.stdout + psql.stderr).toBe(0);
		expect(psql.stdout.trim()).toBe('aplicacion false');

		const verify = await pgha(['verify', '--cluster', cluster], env);
		expect(verify.code, verify.stdout + verify.stderr).toBe(0);
	});

	test('the exported answers install again from another pgha home: refused without the cluster keys, then with them and the secrets in the environment, changing nothing', async () => {
		const exportRun = await pgha(['answers', 'export', cluster, '--file', exported], env);
		expect(exportRun.code, exportRun.stderr).toBe(0);
		const text = readFileSync(exported, 'utf8');
		const values = secrets();
		for (const [variable, value] of Object.entries(values)) {
			expect(text).toContain(`\${${variable}}`);
			expect(text.includes(value), `${variable} in the exported file`).toBe(false);
		}
		// A fresh pgha home without the cluster's keys: the hosts trust a CA it does not hold, so nothing is changed.
		const again = join(work, 'pgha-again');
		const refused = await pgha(['install', '--answers', exported, '--yes'], {HOME: home, PGHA_HOME: again, ...values});
		expect(refused.code, refused.stdout + refused.stderr).toBe(1);
		expect(refused.stdout).toMatch(/node1, node2, node3 already trust a cluster CA that this machine does not hold; nothing was changed/);
		// With the keys directory brought along, the file and the environment are enough.
		cpSync(join(pghaHome, 'clusters', `${cluster}.keys`), join(again, 'clusters', `${cluster}.keys`), {recursive: true});
		const run = await watched(lab, values, () => pgha(['install', '--answers', exported, '--yes'], {HOME: home, PGHA_HOME: again, ...values}));
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toMatch(/finished: 0 changed, \d+ already in place/);
	});
});

describe('pgha without a terminal', () => {
	test('does not prompt: exits 2 and names the answer-file install', async () => {
		const run = await pgha([], {CI: 'true'});
		expect(run.code).toBe(2);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain('pgha install --answers FILE --yes');
	});
});

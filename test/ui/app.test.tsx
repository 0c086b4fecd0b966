import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {render} from 'ink';
import {App, type AppResult} from '../../source/ui/app.js';
import {drive, fakeServices, recording, replayInstall, reviewRequest, wizardAt} from './helpers.js';

afterEach(cleanup);

describe('App', () => {
	it('goes from the start screen through every step, installs and shows the connection strings', async () => {
		const services = fakeServices({install: replayInstall(recording('install-9-hosts'))});
		const results: AppResult[] = [];
		const ui = drive(<App services={services} onExit={result => results.push(result)} />);
		await ui.waitFor('New cluster');
		await ui.press('enter');
		await ui.waitFor('1/9 Cluster');
		await ui.type('produccion');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('2/9 SSH access');
		await ui.press('enter', 'enter', 'enter', 'enter', 'enter');
		await ui.waitFor('3/9 Hosts');
		await ui.press('tab');
		for (const ip of ['1', '2', '3', '4', '7', '8', '5', '6', '9']) {
			await ui.type(`192.168.100.${ip}`);
			await ui.press('enter');
		}
		await ui.waitFor('Accept all 9 host key(s) shown');
		await ui.press('up', 'enter');
		await ui.waitFor(frame => (frame.match(/\[x\] key accepted/g) ?? []).length === 9);
		await ui.press('down', 'enter');
		await ui.waitFor('4/9 Network');
		await ui.type('192.168.100.56');
		await ui.press('enter', 'enter', 'enter', 'enter', 'enter');
		// The default: the Debian mirror the hosts reach.
		await ui.waitFor('5/9 Packages');
		await ui.press('enter', 'enter');
		await ui.waitFor('6/9 Passwords');
		await ui.press('enter', 'enter');
		await ui.waitFor('7/9 Backups');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('8/9 Failover');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('9/9 Review');
		await ui.press('enter');
		const done = await ui.waitFor('is installed', 10_000);
		expect(done).toContain('postgresql://aplicacion@192.168.100.56:5000/aplicacion');
		expect(services.calls.install).toHaveLength(1);
		// The install receives the answers the review validated (defaults filled in) and the input to save.
		const request = services.calls.install[0]!;
		expect(request.answers.hosts).toHaveLength(9);
		expect(request.answers.pgbouncer.poolMode).toBe('transaction');
		expect(request.input.pgbouncer).toBeUndefined();
		await ui.press('enter');
		await ui.waitFor(() => results.length === 1);
		expect(results[0]).toMatchObject({kind: 'installed', ok: true, stopped: false, answersFile: '/root/.config/pgha/produccion.yaml'});
		// The last frame keeps the connection strings on the terminal.
		expect(ui.lastFrame()).toContain('postgresql://aplicacion@192.168.100.56:5001/aplicacion');
	});

	it('opens straight on the install panes when given answers (pgha install on a terminal)', async () => {
		const services = fakeServices({install: replayInstall(recording('install-9-hosts'))});
		const results: AppResult[] = [];
		const request = reviewRequest();
		const ui = drive(<App services={services} install={request} onExit={result => results.push(result)} />);
		const done = await ui.waitFor('is installed', 10_000);
		expect(done).toContain(':5000/');
		expect(services.calls.install).toEqual([request]);
	});

	it('returns the command chosen for a saved cluster', async () => {
		const results: AppResult[] = [];
		const ui = drive(<App services={fakeServices({saved: ['produccion']})} onExit={result => results.push(result)} />);
		await ui.waitFor('Saved cluster produccion');
		await ui.press('down', 'enter');
		await ui.waitFor('Cluster produccion:');
		await ui.press('down', 'down', 'enter');
		await ui.waitFor(() => results.length === 1);
		expect(results[0]).toEqual({kind: 'command', command: 'repair', cluster: 'produccion'});
	});

	it('quits on Ctrl-C in the wizard, and says nothing was installed', async () => {
		const results: AppResult[] = [];
		const ui = drive(<App services={fakeServices()} startInWizard onExit={result => results.push(result)} />);
		await ui.waitFor('1/9 Cluster');
		await ui.press('ctrlC');
		await ui.waitFor(() => results.length === 1);
		expect(results[0]).toEqual({kind: 'quit'});
		expect(ui.lastFrame()).toContain('Nothing was installed.');
	});

	it('keeps the wizard answers when going back to the start screen and in again', async () => {
		const ui = drive(<App services={fakeServices()} onExit={() => {}} />);
		await ui.waitFor('New cluster');
		await ui.press('enter');
		await ui.waitFor('1/9 Cluster');
		await ui.type('produccion');
		await ui.press('escape');
		await ui.waitFor('What do you want to do?');
		await ui.press('enter');
		expect(await ui.waitFor('1/9 Cluster')).toContain('produccion');
	});

	it('reports a stopped install with what to run to finish it', async () => {
		const results: AppResult[] = [];
		const services = fakeServices({install: replayInstall(recording('install-9-hosts'), {stopAfter: 100, untilAborted: true})});
		const ui = drive(<App services={services} wizardState={wizardAt('review')} onExit={result => results.push(result)} />);
		await ui.waitFor('9/9 Review');
		await ui.press('enter');
		await ui.waitFor('phase');
		await ui.press('ctrlC');
		await ui.waitFor('Stop after the current steps?');
		await ui.type('y');
		await ui.waitFor(() => results.length === 1);
		expect(results[0]).toMatchObject({kind: 'installed', ok: false, stopped: true});
		expect(ui.lastFrame()).toContain('pgha install --cluster produccion');
	});

	it('asks nothing when stdin is not a terminal', async () => {
		const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
		const stdout = new PassThrough() as unknown as NodeJS.WriteStream;
		let output = '';
		(stdout as unknown as PassThrough).on('data', chunk => (output += String(chunk)));
		const results: AppResult[] = [];
		const instance = render(<App services={fakeServices()} onExit={result => results.push(result)} />, {stdin, stdout, debug: true, patchConsole: false, exitOnCtrlC: false});
		await instance.waitUntilExit();
		expect(results).toEqual([{kind: 'not-interactive'}]);
		expect(output).toContain('pgha install --answers FILE --yes');
	});
});

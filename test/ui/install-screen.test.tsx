import {afterAll, afterEach, describe, expect, it, vi} from 'vitest';

// Colour on, so the failed pane's red can be seen in the frames; set before chalk loads.
const previousForceColor = vi.hoisted(() => {
	const previous = process.env['FORCE_COLOR'];
	process.env['FORCE_COLOR'] = '1';
	return previous;
});
afterAll(() => {
	if (previousForceColor === undefined) delete process.env['FORCE_COLOR'];
	else process.env['FORCE_COLOR'] = previousForceColor;
});

import {cleanup} from 'ink-testing-library';
import {InstallScreen, type InstallScreenResult} from '../../source/ui/install-screen.js';
import {drive, fakeServices, plain, recording, replayInstall, reviewRequest} from './helpers.js';

afterEach(cleanup);

const request = reviewRequest();

function screen(install: ReturnType<typeof replayInstall>, logs: Record<string, string[]> = {}) {
	const services = fakeServices({install, logs});
	const done: InstallScreenResult[] = [];
	const ui = drive(<InstallScreen services={services} request={request} onDone={result => done.push(result)} tickMs={20} />, {plain: true});
	return {ui, services, done};
}

describe('install screen fed with a recorded 9-host install', () => {
	it('shows a pane per host with its roles, step, spinner, elapsed time and last lines', async () => {
		const events = recording('install-9-hosts');
		const stopAt = events.findIndex(e => e.type === 'phase-started' && e.phase === 'etcd') + 12;
		const {ui} = screen(replayInstall(events, {stopAfter: stopAt, untilAborted: true}));
		const frame = await ui.waitFor('phase 3/9 etcd');
		for (const name of ['postgres1', 'postgres2', 'postgres3', 'etcd1', 'etcd2', 'etcd3', 'haproxy1', 'haproxy2', 'pgbackrestRepo']) expect(frame).toContain(name);
		expect(frame).toMatch(/etcd1 etcd\s+[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \d+s/);
		expect(frame).toMatch(/(file \/etc\/default\/etcd|data directory \/var\/lib\/etcd|service etcd|etcd cluster formed) \(\d+s\)/);
		expect(frame).toMatch(/haproxy1 balancer\s+· \d+s/);
		expect(frame).toContain('✓ preflight ✓ packages');
		// Finished steps are printed once, above the panes.
		expect(frame).toContain('── finished phase packages');
		expect(frame.indexOf('── finished phase packages')).toBeLessThan(frame.indexOf('phase 3/9 etcd'));
		expect(frame).toContain('Setting up pgbackrest');
	});

	it('hands back at once when the install succeeds', async () => {
		const {ui, done} = screen(replayInstall(recording('install-9-hosts')));
		await ui.waitFor(() => done.length === 1);
		expect(done[0]!.end).toMatchObject({ok: true});
		expect(done[0]!.stopped).toBe(false);
		expect(done[0]!.state.result?.ok).toBe(true);
	});

	it('turns a failed pane red with the failing command and its output', async () => {
		const {ui, done} = screen(replayInstall(recording('install-9-hosts-failed')));
		const frame = await ui.waitFor('The install failed');
		// Recorded with haproxy2 powered off during its packages step.
		expect(frame).toContain('✗ haproxy2 failed at packages › packages haproxy keepalived procps');
		expect(frame).toContain('$ set -e');
		expect(frame).toContain('was ended by a signal (connection lost?)');
		expect(frame).toContain('Get:1 http://deb.debian.org/debian bookworm InRelease');
		expect(frame).toMatch(/haproxy2 balancer\s+✗ failed/);
		// The raw frame: the pane's lines and its border are drawn in red (SGR 31).
		const raw = ui.lastFrame()!;
		const redLines = raw.split('\n').filter(line => line.includes('\u001B[31m'));
		expect(redLines.some(line => plain(line).includes('$ set -e'))).toBe(true);
		expect(redLines.some(line => plain(line).includes('✗ failed'))).toBe(true);
		// A failed run stays on screen until q.
		expect(done).toEqual([]);
		await ui.type('q');
		await ui.waitFor(() => done.length === 1);
		expect(done[0]!.end).toMatchObject({ok: false});
		expect(done[0]!.stopped).toBe(false);
	});

	it('opens a host\u2019s full log with the arrows and Enter, and closes it with Esc', async () => {
		const log = Array.from({length: 60}, (_, i) => `postgres3 line ${i + 1}`);
		const {ui, services} = screen(replayInstall(recording('install-9-hosts-failed')), {postgres3: log});
		await ui.waitFor('The install failed');
		await ui.press('right', 'right');
		await ui.press('enter');
		const frame = await ui.waitFor('postgres3 line 60');
		expect(frame).toContain('Log of postgres3');
		expect(frame).toMatch(/lines \d+-60 of 60/);
		expect(services.calls.readLog).toEqual(['postgres3']);
		await ui.press('up', 'up');
		await ui.waitFor(/lines \d+-58 of 60/);
		await ui.press('escape');
		await ui.waitFor(frame => !frame.includes('Log of postgres3') && frame.includes('The install failed'));
	});

	it('picks a host for its log with l', async () => {
		// The run is held in the middle so the screen stays.
		const {ui, services} = screen(replayInstall(recording('install-9-hosts'), {stopAfter: 200, untilAborted: true}), {etcd2: ['etcd2 says hello']});
		await ui.waitFor('phase');
		await ui.type('l');
		await ui.waitFor('Whose log?');
		for (let i = 0; i < 4; i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor('etcd2 says hello');
		expect(services.calls.readLog[0]).toBe('etcd2');
	});

	it('asks before stopping, and stops through the abort signal', async () => {
		let signal: AbortSignal | undefined;
		const replay = replayInstall(recording('install-9-hosts'), {stopAfter: 150, untilAborted: true});
		const {ui, done} = screen((given, onEvent, s) => {
			signal = s;
			return replay(given, onEvent, s);
		});
		await ui.waitFor('phase');
		await ui.type('q');
		await ui.waitFor('Stop after the current steps? The hosts stay in a state a re-run finishes.');
		await ui.type('n');
		await ui.waitFor(frame => !frame.includes('Stop after the current steps?'));
		expect(signal!.aborted).toBe(false);
		await ui.press('ctrlC');
		await ui.waitFor('Stop after the current steps?');
		await ui.type('y');
		await ui.waitFor(() => done.length === 1);
		expect(signal!.aborted).toBe(true);
		expect(done[0]!.stopped).toBe(true);
	});
});

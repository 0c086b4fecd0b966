import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {InstallRequest} from '../../../source/app/services.js';
import {Wizard} from '../../../source/ui/wizard.js';
import type {WizardState} from '../../../source/ui/wizard-model.js';
import {drive, fakeServices, wizardAt} from '../helpers.js';

afterEach(cleanup);

const at = (state: WizardState = wizardAt('failover'), onConfirm: (request: InstallRequest) => void = () => {}) =>
	drive(<Wizard services={fakeServices()} initialState={state} onConfirm={onConfirm} onLeave={() => {}} />);

// Ink wraps long notes at the terminal's width: the words are read with the line breaks taken out.
const words = (frame: string) => frame.replace(/\s+/g, ' ');

describe('failover step', () => {
	it('comes after the backups and starts with the answer file\'s defaults, each with what it costs', async () => {
		const ui = at();
		const frame = words(await ui.waitFor('8/9 Failover'));
		expect(frame).toContain('Commits ‹ Asynchronous: a commit returns once the leader has it ›');
		expect(frame).toContain('the fastest commits; writes of the last moment before a crash of the leader can be lost');
		expect(frame).toContain('Failover speed Normal');
		expect(frame).toContain("writes back in about 40 s after a crash of the leader; a network blip of 10 s can cause a failover (Patroni's own defaults)");
		expect(frame).toContain('Patroni ttl 30 s, loop_wait 10 s, retry_timeout 10 s');
		// Only synchronous commits ask what happens without a replica.
		expect(frame).not.toContain('No replica left');
	});

	it('asks what happens with no replica left once commits are synchronous, wait first', async () => {
		const ui = at();
		await ui.waitFor('8/9 Failover');
		await ui.press('right');
		const frame = words(await ui.waitFor('No replica left'));
		expect(frame).toContain('Commits ‹ Synchronous: each commit waits for a replica ›');
		expect(frame).toContain('a little slower commits (a round trip to a replica); no acknowledged write is lost when the leader dies');
		expect(frame).toContain('No replica left Writes wait until a replica returns');
		expect(frame).toContain('nothing acknowledged can be lost, but writes stop while no replica runs');
		await ui.press('down', 'right');
		expect(words(await ui.waitFor('Writes go on unprotected'))).toContain('writes never stop, but those made while no replica runs are lost if the leader then dies');
	});

	it('shows the expected worst case and the risk of each failover speed', async () => {
		const ui = at();
		await ui.waitFor('8/9 Failover');
		await ui.press('down', 'left');
		let frame = words(await ui.waitFor('‹ Fast ›'));
		expect(frame).toContain('writes back in about 27 s after a crash of the leader; but a network blip of 5 s can cause a failover');
		expect(frame).toContain('Patroni ttl 20 s, loop_wait 5 s, retry_timeout 5 s');
		await ui.press('left');
		frame = words(await ui.waitFor('‹ Safe ›'));
		expect(frame).toContain('writes back in about 74 s after a crash of the leader; rides out network blips shorter than 25 s without a failover');
		expect(frame).toContain('Patroni ttl 60 s, loop_wait 10 s, retry_timeout 25 s');
	});

	it('hands the choices to the install as the answer file\'s ha section, and the review says them', async () => {
		let confirmed: InstallRequest | undefined;
		const ui = at(undefined, request => (confirmed = request));
		await ui.waitFor('8/9 Failover');
		// Synchronous, writes go on without a replica, fast; then Next.
		await ui.press('right', 'down', 'right', 'down', 'left', 'down', 'enter');
		const review = words(await ui.waitFor('9/9 Review'));
		expect(review).toContain('Failover synchronous commits, writes go on unprotected when no replica is left · fast: writes back in about 27 s after a crash of the leader');
		await ui.press('enter');
		await ui.waitFor(() => confirmed !== undefined);
		expect(confirmed!.input.ha).toEqual({durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'fast'});
		expect(confirmed!.answers.ha).toEqual({durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'fast'});
	});

	it('leaves what happens without a replica out of the answers when commits are asynchronous again', async () => {
		let confirmed: InstallRequest | undefined;
		const ui = at(undefined, request => (confirmed = request));
		await ui.waitFor('8/9 Failover');
		await ui.press('right');
		await ui.waitFor('No replica left');
		await ui.press('left');
		await ui.waitFor(frame => !frame.includes('No replica left'));
		await ui.press('down', 'down', 'enter');
		await ui.waitFor('9/9 Review');
		expect(words(ui.lastFrame()!)).toContain('Failover asynchronous commits · normal: writes back in about 40 s');
		await ui.press('enter');
		await ui.waitFor(() => confirmed !== undefined);
		expect(confirmed!.input.ha).toEqual({durability: 'async', rto: 'normal'});
	});

	it('goes back to the backups step with Esc, keeping the choices', async () => {
		const ui = at();
		await ui.waitFor('8/9 Failover');
		await ui.press('down', 'right');
		await ui.waitFor('‹ Safe ›');
		await ui.press('escape');
		await ui.waitFor('7/9 Backups');
		await ui.press('down', 'down', 'enter');
		expect(words(await ui.waitFor('8/9 Failover'))).toContain('Failover speed Safe');
	});
});

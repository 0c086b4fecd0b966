import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import type {InstallRequest} from '../../../source/app/services.js';
import {drive, fakeServices, wizardAt} from '../helpers.js';

afterEach(cleanup);

describe('passwords step', () => {
	it('generates strong passwords by default and never shows them', async () => {
		const state = wizardAt('passwords');
		const ui = drive(<Wizard services={fakeServices()} initialState={state} onConfirm={() => {}} onLeave={() => {}} />);
		const frame = await ui.waitFor('6/9 Passwords');
		expect(frame).toContain('generate strong ones (recommended)');
		// Every secret, the HAProxy stats page's included.
		expect(frame).toContain('HAProxy stats page');
		expect(frame.match(/✓ generated/g)).toHaveLength(7);
		await ui.press('down', 'enter');
		await ui.waitFor('7/9 Backups');
		for (const secret of Object.values(state.passwords.generated)) expect(ui.everything()).not.toContain(secret);
	});

	it('takes typed passwords masked, twice, and never draws them', async () => {
		const secret = 'Correct-Horse-42';
		let confirmed: InstallRequest | undefined;
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('passwords')} onConfirm={request => (confirmed = request)} onLeave={() => {}} />);
		await ui.waitFor('6/9 Passwords');
		await ui.press('right');
		await ui.waitFor('Again, to confirm');
		await ui.press('down');
		await ui.type(secret);
		await ui.press('tab');
		await ui.type(secret.slice(0, -1));
		await ui.press('down');
		await ui.waitFor('differs from the password');
		await ui.press('up', 'right');
		await ui.type('2');
		await ui.waitFor(frame => !frame.includes('differs from the password'));
		expect(ui.lastFrame()).toContain('*'.repeat(secret.length));
		for (let i = 0; i < 12 && !/› Next/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor('7/9 Backups');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('8/9 Failover');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('9/9 Review');
		await ui.press('enter');
		await ui.waitFor(() => confirmed !== undefined);
		expect(confirmed!.answers.passwords.superuser).toBe(secret);
		expect(confirmed!.input.passwords.superuser).toBe(secret);
		// Every frame ever drawn, not just the last one.
		expect(ui.frames.length).toBeGreaterThan(10);
		for (const frame of ui.frames) {
			expect(frame).not.toContain(secret);
			expect(frame).not.toContain(secret.slice(0, 8));
		}
	});

	it('refuses a weak typed password with the answer-file rule', async () => {
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('passwords')} onConfirm={() => {}} onLeave={() => {}} />);
		await ui.waitFor('6/9 Passwords');
		await ui.press('right', 'down');
		await ui.type('short');
		await ui.press('tab');
		await ui.type('short');
		await ui.press('down');
		const frame = await ui.waitFor('password is 5 characters; use at least 12');
		expect(frame).not.toContain('short');
		for (let i = 0; i < 12 && !/› Next/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor(frame => frame.includes('6/9 Passwords') && frame.includes('use at least 12'));
	});

	it('checks the VRRP password against keepalived\u2019s 8-character limit', async () => {
		const ui = drive(<Wizard services={fakeServices()} initialState={wizardAt('passwords')} onConfirm={() => {}} onLeave={() => {}} />);
		await ui.waitFor('6/9 Passwords');
		await ui.press('right');
		await ui.waitFor('Again, to confirm');
		await ui.press('down', 'down', 'down', 'down', 'down');
		await ui.waitFor('6 to 8 letters');
		await ui.type('toolongpassword');
		await ui.press('down');
		await ui.waitFor('must be 6 to 8 characters of letters, digits');
	});
});

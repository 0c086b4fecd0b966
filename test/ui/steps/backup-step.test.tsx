import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import {drive, fakeServices, wizardAt} from '../helpers.js';

afterEach(cleanup);

const atBackup = () => drive(<Wizard services={fakeServices()} initialState={wizardAt('backup')} onConfirm={() => {}} onLeave={() => {}} />);

describe('backup step', () => {
	it('starts with the seed schedule: full on Sunday, differential Monday to Saturday, 3 kept', async () => {
		const ui = atBackup();
		const frame = await ui.waitFor('7/9 Backups');
		expect(frame).toContain('Full on Sunday 01:00, differential Monday to Saturday 01:00');
		expect(frame).toContain('full: 0 1 * * 0 · differential: 0 1 * * 1-6');
		expect(frame).toMatch(/Full backups kept\s+3/);
	});

	it('offers a daily full backup, showing the schedule the answer file will really hold', async () => {
		const ui = atBackup();
		await ui.waitFor('7/9 Backups');
		await ui.press('right');
		const frame = await ui.waitFor('Full every day at 01:00');
		expect(frame).toContain('full: 0 1 * * *');
	});

	it('validates a custom cron with the answer-file message and blocks Next', async () => {
		const ui = atBackup();
		await ui.waitFor('7/9 Backups');
		await ui.press('right', 'right');
		await ui.waitFor('Full backups ');
		await ui.press('down');
		for (let i = 0; i < 9; i++) await ui.press('backspace');
		await ui.type('0 25 * * 0');
		await ui.press('down');
		const frame = await ui.waitFor('is not a valid cron expression');
		expect(frame).toContain('hour "25" is outside 0-23');
		for (let i = 0; i < 5 && !/› Next/.test(ui.lastFrame()!); i++) await ui.press('down');
		await ui.press('enter');
		await ui.waitFor(frame => frame.includes('7/9 Backups') && frame.includes('is not a valid cron expression'));
	});

	it('needs at least one full backup kept', async () => {
		const ui = atBackup();
		await ui.waitFor('7/9 Backups');
		await ui.press('down', 'backspace');
		await ui.type('0');
		await ui.press('down');
		await ui.waitFor('must keep at least 1 full backup');
	});
});

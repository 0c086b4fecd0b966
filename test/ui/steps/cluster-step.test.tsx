import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import type {WizardState} from '../../../source/ui/wizard-state.js';
import {drive, fakeServices} from '../helpers.js';

afterEach(cleanup);

describe('cluster step', () => {
	it('asks for a name, shows PostgreSQL 15 and the seed layout', async () => {
		const ui = drive(<Wizard services={fakeServices()} onConfirm={() => {}} onLeave={() => {}} />);
		const frame = await ui.waitFor('Cluster name');
		expect(frame).toContain('PostgreSQL');
		expect(frame).toContain('15');
		expect(frame).toContain('Separate roles: 9 hosts');
		console.log(frame);
	});

	it('refuses an invalid name and blocks Next, then accepts a valid one', async () => {
		let left: WizardState | undefined;
		const ui = drive(<Wizard services={fakeServices()} onConfirm={() => {}} onLeave={state => (left = state)} />);
		await ui.waitFor('Cluster name');
		await ui.type('Bad Name');
		await ui.press('enter', 'enter');
		await ui.press('enter');
		const frame = await ui.waitFor('must be lower-case');
		expect(frame).toContain('1/7 Cluster');
		console.log(frame);
		expect(left).toBeUndefined();
	});
});

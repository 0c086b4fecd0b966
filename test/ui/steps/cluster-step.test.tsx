import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import type {WizardState} from '../../../source/ui/wizard-model.js';
import {drive, fakeServices} from '../helpers.js';

afterEach(cleanup);

const wizard = (onLeave: (state: WizardState) => void = () => {}) =>
	drive(<Wizard services={fakeServices()} onConfirm={() => {}} onLeave={onLeave} />);

describe('cluster step', () => {
	it('asks for a name, shows PostgreSQL 15 and the seed layout', async () => {
		const ui = wizard();
		const frame = await ui.waitFor('Cluster name');
		expect(frame).toContain('1/9 Cluster');
		expect(frame).toContain('15 (the version Debian 12 ships)');
		expect(frame).toContain('Separate roles: 9 hosts');
		expect(frame).toContain('postgres1-3');
	});

	it('shows the rule of an invalid name and blocks Next', async () => {
		const ui = wizard();
		await ui.waitFor('Cluster name');
		await ui.type('Bad Name');
		await ui.press('down', 'down', 'enter');
		const frame = await ui.waitFor('must be lower-case letters');
		expect(frame).toContain('1/9 Cluster');
		expect(frame).not.toContain('2/9');
	});

	it('moves on with a valid name', async () => {
		const ui = wizard();
		await ui.waitFor('Cluster name');
		await ui.type('produccion');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('2/9 SSH access');
	});

	it('cycles the layout with the arrows', async () => {
		const ui = wizard();
		await ui.waitFor('Cluster name');
		await ui.press('down', 'right');
		expect(await ui.waitFor('Compact: 3 hosts')).toContain('node1-3 each run PostgreSQL and etcd');
		await ui.press('right');
		await ui.waitFor('Custom');
		await ui.press('left', 'left');
		await ui.waitFor('Separate roles: 9 hosts');
	});

	it('leaves with Esc from the first step, handing back what was typed', async () => {
		let left: WizardState | undefined;
		const ui = wizard(state => (left = state));
		await ui.waitFor('Cluster name');
		await ui.type('produccion');
		await ui.press('escape');
		await new Promise(resolve => setTimeout(resolve, 20));
		expect(left?.cluster.name).toBe('produccion');
	});

	it('keeps the name after going forward and back', async () => {
		const ui = wizard();
		await ui.waitFor('Cluster name');
		await ui.type('produccion');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('2/9 SSH access');
		await ui.press('escape');
		expect(await ui.waitFor('1/9 Cluster')).toContain('produccion');
	});
});

import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {StartScreen, type StartChoice} from '../../source/ui/start-screen.js';
import {drive, fakeServices} from './helpers.js';

afterEach(cleanup);

const start = (saved: string[]) => {
	const choices: StartChoice[] = [];
	const ui = drive(<StartScreen services={fakeServices({saved})} onChoice={choice => choices.push(choice)} />);
	return {ui, choices};
};

describe('start screen', () => {
	it('offers a new cluster and the saved ones', async () => {
		const {ui, choices} = start(['produccion', 'pruebas']);
		const frame = await ui.waitFor('New cluster');
		expect(frame).toContain('Saved cluster produccion');
		expect(frame).toContain('Saved cluster pruebas');
		await ui.press('enter');
		await ui.waitFor(() => choices.length === 1);
		expect(choices[0]).toEqual({kind: 'new'});
	});

	it('offers install again, add a replica, check and repair, status and certificate rotation for a saved cluster', async () => {
		const {ui, choices} = start(['produccion']);
		await ui.waitFor('New cluster');
		await ui.press('down', 'enter');
		const frame = await ui.waitFor('Cluster produccion:');
		expect(frame).toContain('Install or repair again');
		expect(frame).toContain('Add a replica');
		expect(frame).toContain('Check for drift and repair it');
		expect(frame).toContain('Status');
		expect(frame).toContain('Rotate the certificates');
		await ui.press('down', 'enter');
		await ui.waitFor(() => choices.length === 1);
		expect(choices[0]).toEqual({kind: 'command', command: 'add-replica', cluster: 'produccion'});
	});

	it('goes back from a saved cluster with Esc, and quits with q', async () => {
		const {ui, choices} = start(['produccion']);
		await ui.waitFor('New cluster');
		await ui.press('down', 'enter');
		await ui.waitFor('Cluster produccion:');
		await ui.press('escape');
		await ui.waitFor('What do you want to do?');
		await ui.type('q');
		await ui.waitFor(() => choices.length === 1);
		expect(choices[0]).toEqual({kind: 'quit'});
	});
});

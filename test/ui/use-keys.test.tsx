import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {Key} from 'ink';
import {splitKeys} from '../../source/ui/use-keys.js';
import {Wizard} from '../../source/ui/wizard.js';
import {drive, fakeServices} from './helpers.js';

afterEach(cleanup);

const none = {ctrl: false, meta: false} as Key;

describe('splitKeys', () => {
	it('splits a chunk into text, Enter, Tab and Backspace', () => {
		const keys = splitKeys('10.0.0.1\r\tab\u007f', none);
		expect(keys.map(([input, key]) => (key.return ? '<enter>' : key.tab ? '<tab>' : key.delete ? '<bs>' : input))).toEqual(['10.0.0.1', '<enter>', '<tab>', 'ab', '<bs>']);
	});

	it('leaves single keys and plain text alone', () => {
		expect(splitKeys('a', none)).toEqual([['a', none]]);
		expect(splitKeys('produccion', none)).toEqual([['produccion', none]]);
	});
});

describe('keys sent in one chunk', () => {
	it('are handled one after another, as if typed', async () => {
		const ui = drive(<Wizard services={fakeServices()} onConfirm={() => {}} onLeave={() => {}} />);
		await ui.waitFor('1/9 Cluster');
		await ui.type('produccion\r\r\r');
		await ui.waitFor('2/9 SSH access');
	});
});

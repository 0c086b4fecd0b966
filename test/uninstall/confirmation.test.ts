import {describe, expect, test} from 'vitest';
import {confirmationFor, typedNameConfirms} from '../../source/uninstall/confirmation.js';
import {UsageError} from '../../source/errors.js';

describe('confirming an uninstall', () => {
	test('on a terminal with no flags the name is asked for', () => {
		expect(confirmationFor({yes: false}, true, 'produccion')).toBe('ask');
	});

	test('--yes --confirm NAME confirms, with or without a terminal', () => {
		expect(confirmationFor({yes: true, confirm: 'produccion'}, false, 'produccion')).toBe('confirmed');
		expect(confirmationFor({yes: true, confirm: 'produccion'}, true, 'produccion')).toBe('confirmed');
	});

	test.each([
		[{yes: true, confirm: 'staging'}, false, '--confirm staging does not name the cluster; pass --confirm produccion to uninstall cluster "produccion"'],
		[{yes: true, confirm: ''}, false, '--confirm (empty) does not name the cluster'],
		[{yes: true}, false, '--yes needs --confirm produccion'],
		[{yes: false, confirm: 'produccion'}, false, '--confirm goes with --yes'],
		[{yes: false}, false, 'without one pass --yes --confirm produccion'],
	])('%o (terminal %s) is bad usage naming the flag', (flags, interactive, message) => {
		expect(() => confirmationFor(flags, interactive, 'produccion')).toThrow(UsageError);
		expect(() => confirmationFor(flags, interactive, 'produccion')).toThrow(message);
	});

	test('only the exact name typed confirms, never y', () => {
		expect(typedNameConfirms('produccion\n', 'produccion')).toBe(true);
		expect(typedNameConfirms('  produccion ', 'produccion')).toBe(true);
		expect(typedNameConfirms('y', 'produccion')).toBe(false);
		expect(typedNameConfirms('Produccion', 'produccion')).toBe(false);
		expect(typedNameConfirms('', 'produccion')).toBe(false);
	});
});

import {describe, expect, it} from 'vitest';
import type {Key} from 'ink';
import {editText, locate, stepReading, stepRow, type FieldSpec} from '../../../source/ui/form/form-focus.js';

const text = (id: string): FieldSpec => ({kind: 'text', id, value: '', onChange: () => {}});
const action = (id: string): FieldSpec => ({kind: 'action', id, onPress: () => {}});
const rows: FieldSpec[][] = [[text('a'), text('b'), text('c')], [text('d'), text('e'), text('f')], [action('next'), action('back')]];
const noKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

describe('form focus', () => {
	it('finds a field by id, or the nearest cell when it is gone', () => {
		expect(locate(rows, {id: 'e', row: 0, col: 0, sub: 0})).toEqual({row: 1, col: 1});
		expect(locate(rows, {id: 'gone', row: 1, col: 5, sub: 0})).toEqual({row: 1, col: 2});
		expect(locate([], {row: 0, col: 0, sub: 0})).toBeUndefined();
	});

	it('moves in reading order and stops at the ends', () => {
		expect(stepReading(rows, {row: 0, col: 2}, 1)).toEqual({row: 1, col: 0});
		expect(stepReading(rows, {row: 0, col: 0}, -1)).toEqual({row: 0, col: 0});
		expect(stepReading(rows, {row: 2, col: 1}, 1)).toEqual({row: 2, col: 1});
	});

	it('moves by row in the same column, entering a row of buttons at Next', () => {
		expect(stepRow(rows, {row: 0, col: 2}, 1)).toEqual({row: 1, col: 2});
		expect(stepRow(rows, {row: 1, col: 1}, 1)).toEqual({row: 2, col: 0});
		expect(stepRow(rows, {row: 2, col: 1}, -1)).toEqual({row: 1, col: 1});
	});

	it('edits text at the cursor and keeps pasted control characters out', () => {
		expect(editText('19216', 3, '.', noKey)).toEqual({value: '192.16', cursor: 4});
		expect(editText('abc', 3, '', {...noKey, backspace: true})).toEqual({value: 'ab', cursor: 2});
		expect(editText('abc', 3, '', {...noKey, delete: true})).toEqual({value: 'ab', cursor: 2});
		expect(editText('abc', 1, '', {...noKey, leftArrow: true})).toEqual({value: 'abc', cursor: 0});
		expect(editText('', 0, '10.0.0.1\r\n', noKey)).toEqual({value: '10.0.0.1', cursor: 8});
		expect(editText('abc', 3, 'c', {...noKey, ctrl: true})).toBeUndefined();
	});
});

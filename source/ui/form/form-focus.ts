import type {Key} from 'ink';

type Base = {
	id: string;
	/** Called with every key while focused, before the default handling; true means handled. */
	onKey?: (input: string, key: Key) => boolean;
	/** Called when focus leaves the field. */
	onBlur?: () => void;
};

/** A line of text; the form keeps the cursor. */
export type TextSpec = Base & {kind: 'text'; value: string; onChange: (value: string) => void; onEnter?: () => void};
/** One of `count` options, cycled with ←/→ or space. */
export type ChoiceSpec = Base & {kind: 'choice'; count: number; index: number; onSelect: (index: number) => void};
/** A row of on/off options: ←/→ pick one, space toggles it. */
export type TogglesSpec = Base & {kind: 'toggles'; count: number; onToggle: (index: number) => void};
/** A button: Enter or space presses it. */
export type ActionSpec = Base & {kind: 'action'; onPress: () => void};

/** Any field a form can focus. */
export type FieldSpec = TextSpec | ChoiceSpec | TogglesSpec | ActionSpec;

/** Where focus is: the field id, with its last known row and column for when that field goes away. */
export type FocusPosition = {id?: string; row: number; col: number; cursor?: number; sub: number};

/** The row and column of the focused field, falling back to the nearest cell when it was removed. */
export function locate(rows: FieldSpec[][], pos: FocusPosition): {row: number; col: number} | undefined {
	if (rows.length === 0) return undefined;
	if (pos.id !== undefined) {
		for (let row = 0; row < rows.length; row++) {
			const col = rows[row]!.findIndex(field => field.id === pos.id);
			if (col >= 0) return {row, col};
		}
	}
	const row = Math.min(Math.max(pos.row, 0), rows.length - 1);
	return {row, col: Math.min(Math.max(pos.col, 0), rows[row]!.length - 1)};
}

/** The cell `delta` fields away in reading order, stopping at the ends. */
export function stepReading(rows: FieldSpec[][], at: {row: number; col: number}, delta: 1 | -1): {row: number; col: number} {
	const flat = rows.flatMap((fields, row) => fields.map((_, col) => ({row, col})));
	const index = flat.findIndex(cell => cell.row === at.row && cell.col === at.col);
	return flat[Math.min(Math.max(index + delta, 0), flat.length - 1)] ?? at;
}

/**
 * The cell one row up or down, in the same column or the last one of a shorter
 * row. A row of buttons is entered at its first button from a row of fields,
 * so ↓ from a table lands on Next, not on Back.
 */
export function stepRow(rows: FieldSpec[][], at: {row: number; col: number}, delta: 1 | -1): {row: number; col: number} {
	const row = Math.min(Math.max(at.row + delta, 0), rows.length - 1);
	const target = rows[row]!;
	const buttons = (fields: FieldSpec[]) => fields.every(field => field.kind === 'action');
	if (row !== at.row && buttons(target) && !buttons(rows[at.row]!)) return {row, col: 0};
	return {row, col: Math.min(at.col, target.length - 1)};
}

/** A text edit: the new value and cursor after one key, or undefined when the key is not an edit. */
export function editText(value: string, cursor: number, input: string, key: Key): {value: string; cursor: number} | undefined {
	if (key.leftArrow) return {value, cursor: Math.max(cursor - 1, 0)};
	if (key.rightArrow) return {value, cursor: Math.min(cursor + 1, value.length)};
	if (key.home) return {value, cursor: 0};
	if (key.end) return {value, cursor: value.length};
	// Terminals send DEL (reported as delete) for the Backspace key; both erase backwards.
	if (key.backspace || key.delete) {
		if (cursor === 0) return {value, cursor};
		return {value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1};
	}
	if (key.ctrl || key.meta || key.tab || key.return || key.escape || key.upArrow || key.downArrow) return undefined;
	// Pasted text may carry line ends or tabs: a field holds one line.
	const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
	if (text === '') return undefined;
	return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
}

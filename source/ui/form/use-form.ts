import {useCallback, useRef, useState} from 'react';
import type {Key} from 'ink';
import {useKeys} from '../use-keys.js';
import {editText, locate, stepReading, stepRow, type FieldSpec, type FocusPosition} from './form-focus.js';

/** What a step needs to draw its fields: which one is focused, the text cursor, and a way to move focus. */
export type FormHandle = {
	focusedId: string | undefined;
	/** Cursor inside the focused text field. */
	cursor: number;
	/** Option under the cursor inside focused toggles. */
	sub: number;
	isFocused: (id: string) => boolean;
	/** Moves focus to a field, which may appear only on the next render (a row just added). */
	focus: (id: string) => void;
};

/**
 * Keys for a form laid out in rows: ↑/↓ change row, Tab/Shift-Tab and Enter go
 * through fields in reading order, Esc goes back. Each field kind edits itself
 * (text, choice, toggles, action). Listens only while `active` and when raw
 * mode is available.
 */
export function useForm(options: {rows: FieldSpec[][]; active: boolean; onBack?: () => void; initialFocus?: string}): FormHandle {
	const rows = options.rows.filter(row => row.length > 0);
	const [pos, setPos] = useState<FocusPosition>({id: options.initialFocus, row: 0, col: 0, sub: 0});
	const at = locate(rows, pos);
	const field = at ? rows[at.row]![at.col] : undefined;
	const latest = useRef({rows, field});
	latest.current = {rows, field};

	const moveTo = useCallback((target: {row: number; col: number}) => {
		const {rows: current, field: from} = latest.current;
		const to = current[target.row]?.[target.col];
		if (!to) return;
		if (from && from.id !== to.id) from.onBlur?.();
		setPos({id: to.id, row: target.row, col: target.col, sub: 0});
	}, []);

	const focus = useCallback((id: string) => {
		const {field: from} = latest.current;
		if (from && from.id !== id) from.onBlur?.();
		setPos(previous => ({...previous, id, cursor: undefined, sub: 0}));
	}, []);

	const cursor = field?.kind === 'text' ? Math.min(pos.cursor ?? field.value.length, field.value.length) : 0;
	const sub = field?.kind === 'toggles' ? Math.min(pos.sub, field.count - 1) : 0;

	useKeys(
		(input: string, key: Key) => {
			if (!field || !at) return;
			if (field.onKey?.(input, key)) return;
			if (key.escape) {
				options.onBack?.();
				return;
			}
			if (key.upArrow || key.downArrow) {
				moveTo(stepRow(rows, at, key.upArrow ? -1 : 1));
				return;
			}
			if (key.tab) {
				moveTo(stepReading(rows, at, key.shift ? -1 : 1));
				return;
			}
			if (key.return) {
				if (field.kind === 'action') field.onPress();
				else if (field.kind === 'text' && field.onEnter) field.onEnter();
				else moveTo(stepReading(rows, at, 1));
				return;
			}
			if (key.ctrl || (key.meta && !key.escape)) return;
			switch (field.kind) {
				case 'text': {
					const edit = editText(field.value, cursor, input, key);
					if (!edit) return;
					setPos(previous => ({...previous, cursor: edit.cursor}));
					if (edit.value !== field.value) field.onChange(edit.value);
					return;
				}
				case 'choice':
					if (key.leftArrow) field.onSelect((field.index - 1 + field.count) % field.count);
					else if (key.rightArrow || input === ' ') field.onSelect((field.index + 1) % field.count);
					return;
				case 'toggles':
					if (key.leftArrow || key.rightArrow) setPos(previous => ({...previous, sub: Math.min(Math.max(sub + (key.leftArrow ? -1 : 1), 0), field.count - 1)}));
					else if (input === ' ') field.onToggle(sub);
					return;
				case 'action':
					if (key.leftArrow || key.rightArrow) moveTo({row: at.row, col: Math.min(Math.max(at.col + (key.leftArrow ? -1 : 1), 0), rows[at.row]!.length - 1)});
					else if (input === ' ') field.onPress();
					return;
			}
		},
		options.active,
	);

	return {
		focusedId: field?.id,
		cursor,
		sub,
		isFocused: (id: string) => field?.id === id,
		focus,
	};
}

import {useCallback, useEffect, useRef} from 'react';
import {useInput, type Key} from 'ink';
import {useInteractive} from './use-interactive.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/**
 * Splits input that arrived as one chunk into the keys it holds. Ink passes
 * a chunk without escape sequences through whole, so "10.0.0.1\r" (a paste,
 * or keys sent faster than they are read, as tmux does) would otherwise be
 * one unknown key and its Enter lost.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
	if (input.length <= 1 || key.ctrl || key.meta || !/[\r\t\u007f\b]/.test(input)) return [[input, key]];
	return input
		.split(/([\r\t\u007f\b])/)
		.filter(part => part !== '')
		.map((part): [string, Key] => {
			if (part === '\r') return ['', {...noKey, return: true}];
			if (part === '\t') return ['', {...noKey, tab: true}];
			if (part === '\u007f') return ['', {...noKey, delete: true}];
			if (part === '\b') return ['', {...noKey, backspace: true}];
			return [part, noKey];
		});
}

// How long a key waits for the render of the key before it; a key that changed nothing renders nothing.
const renderWaitMs = 50;

/**
 * `useInput` that listens only while `active` and when stdin supports raw
 * mode (Ink throws otherwise), and hands keys to the handler of the latest
 * render one at a time. React renders after the event that set state, so a
 * key that arrives first (fast typing, a paste, tmux send-keys) would
 * otherwise reach a handler that still sees the previous focus: such a key
 * waits for that render.
 */
export function useKeys(handler: (input: string, key: Key) => void, active: boolean): void {
	const interactive = useInteractive();
	const latest = useRef(handler);
	latest.current = handler;
	const renders = useRef(0);
	renders.current++;
	const pending = useRef<{queue: Array<[string, Key]>; handledAt: number; handledTime: number; timer?: NodeJS.Timeout}>({
		queue: [],
		handledAt: -1,
		handledTime: 0,
	});
	const pump = useCallback(() => {
		const state = pending.current;
		state.timer = undefined;
		while (state.queue.length > 0) {
			if (state.handledAt === renders.current && Date.now() - state.handledTime < renderWaitMs) {
				state.timer = setTimeout(pump, 1);
				return;
			}
			const [input, key] = state.queue.shift()!;
			state.handledAt = renders.current;
			state.handledTime = Date.now();
			latest.current(input, key);
		}
	}, []);
	const stable = useCallback(
		(input: string, key: Key) => {
			pending.current.queue.push(...splitKeys(input, key));
			if (!pending.current.timer) pump();
		},
		[pump],
	);
	useEffect(() => () => clearTimeout(pending.current.timer), []);
	useInput(stable, {isActive: interactive && active});
}

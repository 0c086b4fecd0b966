import {useCallback, useRef} from 'react';
import {useInput, type Key} from 'ink';
import {useInteractive} from './use-interactive.js';

/**
 * `useInput` that always calls the handler of the latest render, and listens
 * only while `active` and when stdin supports raw mode (Ink throws otherwise).
 * Keys that arrive before React re-subscribes would otherwise reach a handler
 * that still sees the previous focus.
 */
export function useKeys(handler: (input: string, key: Key) => void, active: boolean): void {
	const interactive = useInteractive();
	const latest = useRef(handler);
	latest.current = handler;
	const stable = useCallback((input: string, key: Key) => latest.current(input, key), []);
	useInput(stable, {isActive: interactive && active});
}

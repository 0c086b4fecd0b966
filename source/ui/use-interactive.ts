import {useStdin} from 'ink';

/**
 * Whether keys can be read. Ink throws "Raw mode is not supported" when a
 * component listens for keys on piped stdin, so every input hook is gated on this.
 */
export function useInteractive(): boolean {
	return useStdin().isRawModeSupported;
}

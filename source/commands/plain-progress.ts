import {describeEvent} from '../engine/describe-event.js';
import type {EventSink} from '../app/events.js';
import type {Io} from './context.js';

/** Engine events as plain lines: the output without a TTY, one line per event, prefixed by host. */
export function plainProgress(io: Io, verbose = false): EventSink {
	return event => {
		for (const line of describeEvent(event, {verbose})) io.out(line);
	};
}

import {StringDecoder} from 'node:string_decoder';

/** Turns byte chunks into whole UTF-8 lines, even when a chunk splits a character. */
export function lineSplitter(onLine: (line: string) => void): {push: (chunk: Buffer) => void; end: () => void} {
	const decoder = new StringDecoder('utf8');
	let pending = '';
	const emit = (text: string) => {
		pending += text;
		const lines = pending.split(/\r?\n/);
		pending = lines.pop() ?? '';
		for (const line of lines) onLine(line);
	};
	return {
		push: chunk => emit(decoder.write(chunk)),
		end() {
			emit(decoder.end());
			if (pending) onLine(pending);
			pending = '';
		},
	};
}

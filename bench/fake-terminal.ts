import {PassThrough, Writable} from 'node:stream';

/** A terminal of a fixed size that counts what is written to it. */
export function fakeTerminal(columns: number, rows: number) {
	const counts = {writes: 0, bytes: 0, text: ''};
	const stdout = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			counts.writes++;
			counts.bytes += chunk.length;
			counts.text = String(chunk);
			stdout.emit('frame', counts.text);
			callback();
		},
	}) as Writable & {columns: number; rows: number; isTTY: boolean};
	stdout.columns = columns;
	stdout.rows = rows;
	stdout.isTTY = true;
	// What Ink needs of a terminal's stdin to turn raw mode on.
	const stdin = new PassThrough() as PassThrough & {isTTY: boolean; setRawMode: (mode: boolean) => void; ref: () => void; unref: () => void};
	stdin.isTTY = true;
	stdin.setRawMode = () => undefined;
	stdin.ref = () => undefined;
	stdin.unref = () => undefined;
	return {stdout: stdout as unknown as NodeJS.WriteStream & Writable, stdin: stdin as unknown as NodeJS.ReadStream, counts};
}


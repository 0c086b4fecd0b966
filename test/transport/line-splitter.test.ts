import {expect, test} from 'vitest';
import {lineSplitter} from '../../source/transport/line-splitter.js';

test('lines come out whole even when a chunk splits a UTF-8 character', () => {
	const lines: string[] = [];
	const splitter = lineSplitter(line => lines.push(line));
	const bytes = Buffer.from('configuración\r\nsegunda línea\núltima');
	for (let i = 0; i < bytes.length; i += 3) splitter.push(bytes.subarray(i, i + 3));
	splitter.end();
	expect(lines).toEqual(['configuración', 'segunda línea', 'última']);
});

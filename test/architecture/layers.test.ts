import {describe, expect, it} from 'vitest';
import {importEdges} from './import-graph.js';

// Dependencies run one way: commands wire the UI to the engine through the
// contracts in source/app. The UI only renders state and never reaches SSH;
// the engine never knows how it is shown.
const rules: Array<{from: string; mustNotImport: string[]}> = [
	{from: 'source/ui/', mustNotImport: ['source/engine/', 'source/transport/', 'recipes/']},
	{from: 'source/engine/', mustNotImport: ['source/ui/']},
	// The contracts both sides share stay below both.
	{from: 'source/app/', mustNotImport: ['source/ui/', 'source/commands/', 'source/transport/', 'recipes/']},
];

describe('layers', () => {
	for (const {from, mustNotImport} of rules)
		it(`nothing under ${from} imports ${mustNotImport.join(', ')}`, async () => {
			const broken = (await importEdges())
				.filter(([file, imported]) => file.startsWith(from) && mustNotImport.some(layer => imported.startsWith(layer)))
				.map(([file, imported]) => `${file} imports ${imported}`);
			expect(broken).toEqual([]);
		});
});

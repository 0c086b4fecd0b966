import {parseCircular} from 'dpdm';
import {describe, expect, it} from 'vitest';
import {importEdges, importGraph} from './import-graph.js';

describe('import cycles', () => {
	it('the graph is complete: every import of pgha code resolves to a file', async () => {
		const tree = await importGraph();
		const unresolved = Object.values(tree)
			.flatMap(dependencies => dependencies ?? [])
			.filter(dependency => dependency.id === null && dependency.request.startsWith('.'))
			.map(dependency => `${dependency.issuer} imports ${dependency.request}`);
		expect(unresolved).toEqual([]);
		// A graph that misses the TypeScript files would find no cycle anywhere.
		expect((await importEdges()).length).toBeGreaterThan(100);
	});

	it('no module imports itself through others (static, dynamic or type-only)', async () => {
		// One cycle is listed per import that closes one, so every tangle shows at least once.
		const cycles = parseCircular(await importGraph()).map(cycle => [...cycle, cycle[0]].join(' -> '));
		expect(cycles, `import cycles:\n  ${cycles.join('\n  ')}`).toEqual([]);
	});
});

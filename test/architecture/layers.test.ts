import {describe, expect, it} from 'vitest';
import {importEdges} from './import-graph.js';

// Dependencies run one way: commands wire the UI to the engine through the
// contracts in source/app. The UI only renders state and never reaches SSH;
// the engine never knows how it is shown.
const rules: Array<{from: string; mustNotImport: string[]; except?: string[]}> = [
	// The one table of ports and paths is plain data the UI may show.
	{from: 'source/ui/', mustNotImport: ['source/engine/', 'source/transport/', 'source/failover/', 'recipes/'], except: ['recipes/kit/locations.ts']},
	{from: 'source/engine/', mustNotImport: ['source/ui/', 'source/commands/']},
	// engine -> recipes -> kit, never back: a component knows nothing of how it is run or shown.
	{from: 'recipes/', mustNotImport: ['source/engine/', 'source/health/', 'source/commands/', 'source/ui/', 'source/plan/', 'source/lab/']},
	{
		from: 'recipes/kit/',
		mustNotImport: ['recipes/etcd/', 'recipes/postgres/', 'recipes/pgbouncer/', 'recipes/haproxy/', 'recipes/keepalived/', 'recipes/pgbackrest/', 'recipes/host/', 'recipes/index.ts'],
	},
	// The health model reads and judges; it neither runs phases nor prints.
	{from: 'source/health/', mustNotImport: ['source/engine/', 'source/commands/', 'source/ui/']},
	// Drills and switchover act on a live cluster through recipes' probes; they are run by commands, never the other way.
	{from: 'source/failover/', mustNotImport: ['source/engine/', 'source/commands/', 'source/ui/']},
	// Removing a node acts on a live cluster through recipes' steps and probes; the command wires the convergent run in.
	{from: 'source/remove-node/', mustNotImport: ['source/engine/', 'source/commands/', 'source/ui/']},
	// Bundles are made and read on this machine alone: no hosts, no screens, no lab.
	{from: 'source/bundle/', mustNotImport: ['source/ui/', 'source/commands/', 'source/engine/', 'source/transport/', 'source/lab/', 'source/failover/', 'source/health/']},
	// The backup catalog and an on-demand backup's parsing read recipes' probes; commands print them, never the other way.
	{from: 'source/backup/', mustNotImport: ['source/ui/', 'source/commands/', 'source/engine/', 'source/lab/']},
	// The contracts both sides share stay below both.
	{from: 'source/app/', mustNotImport: ['source/ui/', 'source/commands/', 'source/engine/', 'source/transport/', 'recipes/']},
];

describe('layers', () => {
	for (const {from, mustNotImport, except = []} of rules)
		it(`nothing under ${from} imports ${mustNotImport.join(', ')}`, async () => {
			const broken = (await importEdges())
				.filter(([file, imported]) => file.startsWith(from) && mustNotImport.some(layer => imported.startsWith(layer)) && !except.includes(imported))
				.map(([file, imported]) => `${file} imports ${imported}`);
			expect(broken).toEqual([]);
		});
});

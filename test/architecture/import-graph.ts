import {parseDependencyTree, type DependencyTree} from 'dpdm';
import {root} from '../answers/fixtures.js';

/** The code the graph covers: the entry point, the app and the recipes. */
export const graphEntries = ['cli.tsx', 'source/**/*.{ts,tsx}', 'recipes/**/*.ts'];

let graph: Promise<DependencyTree> | undefined;

/**
 * pgha's import graph, keyed by path from the repository root: static and
 * dynamic imports, re-exports and `import type` alike, because a type-only
 * edge still ties two modules' designs together. Parsed once per test file.
 */
export function importGraph(): Promise<DependencyTree> {
	graph ??= parseDependencyTree(graphEntries, {
		cwd: root,
		context: root,
		tsconfig: `${root}tsconfig.json`,
		// Keeps type-only imports, which TypeScript's own emit would drop.
		transform: false,
		skipDynamicImports: false,
	});
	return graph;
}

/** Every edge between pgha's own files, as [importer, imported] paths. */
export async function importEdges(): Promise<Array<[string, string]>> {
	const tree = await importGraph();
	return Object.entries(tree).flatMap(([file, dependencies]) =>
		(dependencies ?? []).flatMap(dependency => (dependency.id && !dependency.id.startsWith('node_modules/') ? [[file, dependency.id] as [string, string]] : [])),
	);
}

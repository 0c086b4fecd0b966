import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {pghaHome} from '../paths.js';

// Apart from store.ts so the wizard's start screen lists the saved clusters
// without loading conf and its JSON Schema validator before its first frame.

/** Where the saved clusters live: one NAME.json, NAME.secrets.json and NAME.keys/ each. */
export function clustersDir(env: NodeJS.ProcessEnv): string {
	return join(pghaHome(env), 'clusters');
}

/** Names of the saved clusters. */
export function listClusters(env: NodeJS.ProcessEnv = process.env): string[] {
	const dir = clustersDir(env);
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter(f => f.endsWith('.json') && !f.endsWith('.secrets.json'))
		.map(f => f.slice(0, -'.json'.length))
		.sort();
}

/** True when a cluster of that name is saved. */
export function hasCluster(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
	return listClusters(env).includes(name);
}

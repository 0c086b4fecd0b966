import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {AnswersInput} from '../../source/answers/schema.js';
import {saveCluster} from '../../source/answers/store.js';
import {exampleRaw, strongEnv} from '../answers/fixtures.js';

/** A fresh PGHA_HOME, with the example's secrets in the environment. */
export function emptyHome(): Record<string, string> {
	return {PGHA_HOME: mkdtempSync(join(tmpdir(), 'pgha-home-')), ...strongEnv};
}

/** A PGHA_HOME holding the seed example saved as cluster "produccion"; `change` edits it first. */
export function savedSeed(change: (raw: AnswersInput) => AnswersInput = raw => raw): Record<string, string> {
	const env = emptyHome();
	saveCluster(change(exampleRaw('seed-topology') as AnswersInput), env);
	return env;
}

/** Every file under PGHA_HOME with its content: what a command that changes nothing leaves as it was. */
export function snapshot(home: string): Record<string, string> {
	const files: Record<string, string> = {};
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, {withFileTypes: true})) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else files[path.slice(home.length)] = readFileSync(path, 'utf8');
		}
	};
	walk(home);
	return files;
}

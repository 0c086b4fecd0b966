import {readFile, writeFile} from 'node:fs/promises';
import YAML from 'yaml';
import {removeDrills} from '../failover/store.js';
import {exportCluster, listClusters, readCluster, removeCluster, saveCluster} from '../answers/store.js';
import {parseAnswersText, validateAnswers} from '../answers/load.js';
import {formatProblems} from '../answers/problem.js';
import type {AnswersInput} from '../answers/schema.js';
import {UsageError} from '../errors.js';
import type {Command} from './context.js';

const usage = 'pgha answers list | show NAME | export NAME [--file F] | import FILE | remove NAME';

/** `pgha answers ...`: the saved clusters. Secrets stay in their own file and are never shown or exported. */
export const answers: Command = async (args, flags, io) => {
	const [action, name] = args;
	const need = () => {
		if (!name) throw new UsageError(`answers ${action} needs a name: ${usage}`);
		if (!listClusters(io.env).includes(name)) throw new UsageError(`no saved cluster "${name}"; saved: ${listClusters(io.env).join(', ') || 'none'}`);
		return name;
	};
	switch (action) {
		case 'list': {
			const names = listClusters(io.env);
			if (flags.json) io.out(JSON.stringify(names));
			else io.out(names.length > 0 ? names.join('\n') : 'no saved clusters');
			return 0;
		}
		case 'show': {
			const saved = readCluster(need(), io.env)!;
			io.out(flags.json ? JSON.stringify(saved, null, 2) : YAML.stringify(saved));
			return 0;
		}
		case 'export': {
			const text = exportCluster(need(), io.env)!;
			if (flags.file) {
				await writeFile(flags.file, text, {mode: 0o644});
				io.out(`exported ${name} to ${flags.file} (secrets are \${VARIABLE} references)`);
			} else io.out(text);
			return 0;
		}
		case 'import': {
			if (!name) throw new UsageError(`answers import needs a file: ${usage}`);
			const parsed = parseAnswersText(await readFile(name, 'utf8').catch(() => {
				throw new UsageError(`${name}: no such file; check the path`);
			}));
			if (!parsed.ok) throw new UsageError(`${name} has problems:\n${formatProblems(parsed.problems)}`);
			// Secrets may still be ${VARIABLE} references that are set only at install time.
			const result = validateAnswers(parsed.value, io.env);
			const real = result.ok ? [] : result.problems.filter(p => !/environment variable .* is not set/.test(p.message));
			if (real.length > 0) throw new UsageError(`${name} has ${real.length} problem(s):\n${formatProblems(real)}`);
			const raw = parsed.value as AnswersInput;
			saveCluster(raw, io.env);
			io.out(`imported cluster "${raw.cluster.name}"${result.ok ? '' : '; set the missing secret variables before install'}`);
			return 0;
		}
		case 'remove': {
			const cluster = need();
			removeCluster(cluster, io.env);
			removeDrills(cluster, io.env);
			io.out(`removed saved cluster "${name}" (the servers are untouched)`);
			return 0;
		}
		default:
			throw new UsageError(`unknown answers action "${action ?? ''}": ${usage}`);
	}
};

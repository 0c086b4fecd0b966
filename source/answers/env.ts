import type {Problem} from './problem.js';
import {formatPath} from './problem.js';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces every `${VAR}` inside string values with the variable's value.
 * A variable that is not set is a problem naming the key and the variable.
 */
export function resolveEnv(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[] = []): {value: unknown; problems: Problem[]} {
	const problems: Problem[] = [];
	const walk = (node: unknown, at: PropertyKey[]): unknown => {
		if (typeof node === 'string') {
			return node.replace(reference, (_, name: string) => {
				const found = env[name];
				if (found === undefined || found === '') {
					problems.push({path: formatPath(at), message: `environment variable ${name} is not set; export ${name} or write the value here`});
					return '';
				}
				return found;
			});
		}
		if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, i]));
		if (node && typeof node === 'object')
			return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...at, k])]));
		return node;
	};
	return {value: walk(value, path), problems};
}

/** True when a string value is, or contains, an environment reference. */
export function hasEnvReference(value: string): boolean {
	return new RegExp(reference.source).test(value);
}

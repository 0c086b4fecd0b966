import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import YAML from 'yaml';
import {validateAnswers} from '../../source/answers/load.js';
import type {Answers} from '../../source/answers/schema.js';

/** The repository root, for examples/ and dist/. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Strong values for every PGHA_* variable the examples reference. */
export const strongEnv: Record<string, string> = {
	PGHA_SUPERUSER_PASSWORD: 'Super-Secret-Value-1',
	PGHA_REPLICATION_PASSWORD: 'Repl-Secret-Value-2',
	PGHA_APP_PASSWORD: 'App-Secret-Value-3',
	PGHA_PATRONI_API_PASSWORD: 'Api-Secret-Value-4',
	PGHA_VRRP_PASSWORD: 'Vr5=x/y_',
	PGHA_BACKUP_CIPHER: 'Cipher-Secret-Value-5-long',
	PGHA_HAPROXY_STATS_PASSWORD: 'Stats-Secret-Value-6',
};

/**
 * Passwords made of every character a config file could choke on: quotes,
 * $, #, %, backslash, YAML and INI syntax, inner spaces. Each one is strong.
 */
export const nastyEnv: Record<string, string> = {
	PGHA_SUPERUSER_PASSWORD: `a'b"c $HOME #x %y \\z Q9`,
	PGHA_REPLICATION_PASSWORD: `- [x]: {y}, &z *w !t |> 7Q`,
	PGHA_APP_PASSWORD: `'"\\'$(id)\`id\` %s %p; --x Q9`,
	PGHA_PATRONI_API_PASSWORD: `user:pass@host/#? = Q9 \\\\`,
	PGHA_VRRP_PASSWORD: 'a%+=:,./',
	PGHA_BACKUP_CIPHER: `[global] x=y ; #z "q" 'r' \\n $V Q9`,
	// HAProxy reads this one inside single quotes, so the schema refuses a quote in it; everything else is here.
	PGHA_HAPROXY_STATS_PASSWORD: `"s" $HOME #x %y \\z ; [t] {u} Q9`,
};

/** Every password of a set of answers. */
export function passwordsOf(answers: Answers): string[] {
	return Object.values(answers.passwords).filter((p): p is string => p !== undefined);
}

/**
 * The answers as an install renders them: with the HAProxy stats password,
 * which the examples leave out and the install generates and saves (here the
 * environment's PGHA_HAPROXY_STATS_PASSWORD, as a saved cluster gives it back).
 */
export function withStatsPassword(answers: Answers, env: Record<string, string> = strongEnv): Answers {
	const haproxyStats = env['PGHA_HAPROXY_STATS_PASSWORD'];
	if (!haproxyStats) throw new Error('the environment has no PGHA_HAPROXY_STATS_PASSWORD');
	return {...answers, passwords: {...answers.passwords, haproxyStats}};
}

/** The raw (unvalidated) YAML of an example. */
export function exampleRaw(name: 'seed-topology' | 'compact'): Record<string, unknown> {
	return YAML.parse(readFileSync(`${root}examples/${name}.yaml`, 'utf8')) as Record<string, unknown>;
}

/** Validated answers from a raw value, failing the test with the problems otherwise. */
export function answersFrom(raw: unknown, env: Record<string, string> = strongEnv): Answers {
	const result = validateAnswers(raw, env);
	if (!result.ok) throw new Error(`answers invalid: ${JSON.stringify(result.problems)}`);
	return result.answers;
}

/** An example's answers, validated with the given environment. */
export function example(name: 'seed-topology' | 'compact', env: Record<string, string> = strongEnv): Answers {
	return answersFrom(exampleRaw(name), env);
}

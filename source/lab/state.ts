import {mkdir, readFile, rename, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
// A namespace import lets the bundler drop what pgha never calls (zod's locales alone are 350 kB).
import * as z from 'zod';
import {roleNames} from '../answers/schema.js';
import {topologyNames} from './topology.js';

const labHostStateSchema = z.strictObject({
	name: z.string(),
	ip: z.string(),
	roles: z.array(z.enum(roleNames)),
	/** The host's systemd-nspawn process; absent while the host is off. */
	pid: z.number().int().positive().optional(),
	/** Added by `lab add` rather than by the topology. */
	added: z.boolean().default(false),
});
export type LabHostState = z.infer<typeof labHostStateSchema>;

/**
 * What `lab up` made, written before each thing is made so that an
 * interrupted run can always be undone from it.
 */
export const labStateSchema = z.strictObject({
	version: z.literal(1),
	topology: z.enum(topologyNames),
	/** `starting` until every host answered once; `running` after. */
	phase: z.enum(['starting', 'running']),
	startedAt: z.string(),
	baseImage: z.string(),
	keyFile: z.string(),
	mirrors: z.strictObject({debian: z.string(), security: z.string().optional()}),
	/** Whether bookworm-security was reachable through the cache at start. */
	securityProxied: z.boolean().default(false),
	packageCache: z.strictObject({pid: z.number().int().positive().optional()}),
	/** bundle: the hosts have no package source and install from the lab's bundle; mirror: through the package cache. */
	packageSource: z.enum(['bundle', 'mirror']).default('mirror'),
	/** The lab's bundle file, with packageSource bundle. */
	bundle: z.string().optional(),
	hosts: z.array(labHostStateSchema),
});
export type LabState = z.infer<typeof labStateSchema>;

/** The outcome of reading the state file. */
export type StateRead = {kind: 'missing'} | {kind: 'ok'; state: LabState} | {kind: 'corrupt'; reason: string};

/** Parses the state file's text. */
export function parseLabState(text: string): StateRead {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return {kind: 'corrupt', reason: `not JSON (${(error as Error).message})`};
	}
	const parsed = labStateSchema.safeParse(value);
	if (!parsed.success) return {kind: 'corrupt', reason: parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')};
	return {kind: 'ok', state: parsed.data};
}

/** Reads the state file, telling a missing file from a damaged one. */
export async function readStateFile(file: string): Promise<StateRead> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'missing'};
		throw error;
	}
	return parseLabState(text);
}

/** Writes the state file whole or not at all (a crash leaves the old one). */
export async function writeStateFile(file: string, state: LabState): Promise<void> {
	await mkdir(dirname(file), {recursive: true, mode: 0o700});
	const temp = `${file}.${process.pid}.tmp`;
	await writeFile(temp, `${JSON.stringify(labStateSchema.parse(state), null, '\t')}\n`, {mode: 0o600});
	await rename(temp, file);
}

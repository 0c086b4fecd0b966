import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runCli} from './cli.js';

beforeAll(async () => {
	await ensureBuilt();
}, 180_000);

describe('pgha schema (built CLI)', () => {
	it('prints the JSON Schema of the answer file', async () => {
		const result = await runCli(['schema']);
		expect(result.code).toBe(0);
		const schema = JSON.parse(result.stdout) as {properties: Record<string, unknown>; additionalProperties: boolean};
		expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'cluster', 'ssh', 'hosts', 'network', 'passwords', 'backup']));
		expect(schema.additionalProperties).toBe(false);
	});
});

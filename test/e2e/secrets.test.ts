import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {labUnavailable, readAnswers, sudoPassword} from './helpers.js';
import {recalled} from './run-record.js';

// Runs after every other end-to-end file: each pgha home this run used has
// its run logs (install, repair, add-replica, verify, status: every command)
// searched for every secret the run knew of.
const skip = labUnavailable();

/** Every secret of the run by a name for messages: the answer files' passwords, the wizard's generated ones, the sudo password. */
function knownSecrets(homes: string[]): Map<string, string> {
	const secrets = new Map<string, string>([['the sudo password', sudoPassword]]);
	for (const file of recalled('answers').filter(f => existsSync(f)))
		for (const [key, value] of Object.entries(readAnswers(file).passwords ?? {})) if (typeof value === 'string' && !value.startsWith('${')) secrets.set(`${file}: passwords.${key}`, value);
	for (const home of homes) {
		const clusters = join(home, 'clusters');
		if (!existsSync(clusters)) continue;
		for (const file of readdirSync(clusters).filter(f => f.endsWith('.secrets.json')))
			for (const [key, value] of Object.entries(JSON.parse(readFileSync(join(clusters, file), 'utf8')) as Record<string, string>)) secrets.set(`${file}: ${key}`, value);
	}
	return secrets;
}

describe.skipIf(skip)('secrets after the end-to-end run', () => {
	test('no secret appears in any run log of any pgha home the run used', () => {
		const homes = recalled('homes');
		expect(homes.length, 'pgha homes recorded by this run: the other end-to-end files must run before this one').toBeGreaterThan(0);
		const secrets = knownSecrets(homes);
		expect(secrets.size).toBeGreaterThan(1);
		const logs = homes.flatMap(home => {
			const dir = join(home, 'logs');
			return existsSync(dir) ? readdirSync(dir).map(f => join(dir, f)) : [];
		});
		expect(logs.length, `run logs under ${homes.join(', ')}`).toBeGreaterThan(0);
		const found: string[] = [];
		for (const log of logs) {
			const text = readFileSync(log, 'utf8');
			for (const [name, value] of secrets) if (value.length > 0 && text.includes(value)) found.push(`${name} in ${log}`);
		}
		console.log(`searched ${logs.length} run log(s) in ${homes.length} pgha home(s) for ${secrets.size} secret(s)`);
		expect(found).toEqual([]);
	});
});

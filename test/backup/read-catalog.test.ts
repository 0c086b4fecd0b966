import {describe, expect, it} from 'vitest';
import {readCatalog} from '../../source/backup/read-catalog.js';
import {UserError} from '../../source/errors.js';
import type {RunResult} from '../../source/transport/ssh.js';
import {example} from '../answers/fixtures.js';
import {archiveListingText, infoJson} from './fixtures.js';

const seed = example('seed-topology');

/** A repository host answering pgbackrest info and the archive listing; records what ran, in order. */
function repository(answers: {info?: Partial<RunResult>; listing?: Partial<RunResult>} = {}) {
	const ran: string[] = [];
	const run = async (script: string): Promise<RunResult> => {
		ran.push(script);
		const answer = script.includes(' info --output=json') ? (answers.info ?? {stdout: infoJson}) : script.includes('find ') ? (answers.listing ?? {stdout: archiveListingText}) : {code: 127, stderr: 'unexpected'};
		return {code: 0, stdout: '', stderr: '', ...answer};
	};
	return {run, ran};
}

describe('readCatalog', () => {
	it('asks pgBackRest first, then lists the archive, so a segment archived in between only adds', async () => {
		const {run, ran} = repository();
		const catalog = await readCatalog(run, seed);
		expect(ran).toEqual([
			'runuser -u postgres -- pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=produccion info --output=json',
			"if [ -d /var/lib/pgbackrest/archive/produccion ]; then find /var/lib/pgbackrest/archive/produccion -type f -printf '%T@ %s %P\\n'; fi",
		]);
		expect(catalog.backups).toHaveLength(4);
		expect(catalog.restorable).toEqual({earliest: '2026-12-01T04:44:30.000Z', latest: '2026-12-01T04:44:59.221Z'});
	});

	it('a failing command is a UserError naming the host and quoting its last lines', async () => {
		const info = repository({info: {code: 37, stderr: "ERROR: [037]: unable to open missing file '/etc/pgbackrest/repo.conf' for read"}});
		await expect(readCatalog(info.run, seed)).rejects.toThrow(new UserError("pgbackrest info failed on pgbackrestRepo (exit 37): ERROR: [037]: unable to open missing file '/etc/pgbackrest/repo.conf' for read"));
		const listing = repository({listing: {code: 1, stderr: "find: '/var/lib/pgbackrest/archive/produccion/15-1': Permission denied"}});
		await expect(readCatalog(listing.run, seed)).rejects.toThrow(/cannot list \/var\/lib\/pgbackrest\/archive\/produccion on pgbackrestRepo \(exit 1\): find: .*Permission denied/);
		const garbled = repository({info: {stdout: '[{"name":"produccion"}]'}});
		await expect(readCatalog(garbled.run, seed)).rejects.toThrow(/^on pgbackrestRepo: pgbackrest info --output=json printed what pgha does not understand: status: /);
	});
});

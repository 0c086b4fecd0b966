import {describe, expect, test} from 'vitest';
import {databaseOwnerVerifier} from '../../../recipes/postgres/scram.js';
import {provesIdempotent} from '../idempotency.js';
import {clusterKeys} from '../../keys/fixtures.js';

describe('PgBouncer steps and the application database', () => {
	test('the database is made once on the primary, PgBouncer runs on every node, and a re-run changes nothing', async () => {
		const {firstChanged: inPhase, changedIn, cluster, answers} = await provesIdempotent('pgbouncer');
		// The files are written alongside PostgreSQL's start (prepare); the service starts once the database is there.
		const firstChanged = [...changedIn('prepare'), ...inPhase];
		expect(changedIn('prepare').filter(s => !/pgbouncer|pgbackrest/.test(s))).toEqual([]);
		const {name, owner} = answers.database;
		expect(firstChanged.filter(s => s.includes('database'))).toEqual([`node1: database ${name} owned by ${owner}`]);
		expect(cluster.databases.get(name)).toBe(owner);
		expect(cluster.roles.get(owner)).toBe(databaseOwnerVerifier(answers, await clusterKeys(answers)));
		for (const host of ['node1', 'node2', 'node3']) {
			expect(firstChanged).toEqual(
				expect.arrayContaining([
					`${host}: file /etc/pgbouncer/tls/ca.crt`,
					`${host}: file /etc/pgbouncer/tls/pgbouncer.crt`,
					`${host}: file /etc/pgbouncer/tls/pgbouncer.key`,
					`${host}: file /etc/pgbouncer/pgbouncer.ini`,
					`${host}: file /etc/pgbouncer/hba.conf`,
					`${host}: file /etc/pgbouncer/userlist.txt`,
					`${host}: service pgbouncer`,
				]),
			);
			expect(cluster.host(host).files.get('/etc/pgbouncer/tls/pgbouncer.key')).toMatchObject({owner: 'postgres', mode: 0o600});
			expect(cluster.host(host).unit('pgbouncer')).toMatchObject({active: true, starts: 1, restarts: 0, reloads: 0});
		}
	});
});

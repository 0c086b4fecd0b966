import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';

describe('pgBackRest steps', () => {
	test('SSH trust both ways, repository, stanza, one full backup and the schedule; a re-run takes no second backup', async () => {
		const {firstChanged, cluster} = await provesIdempotent('backup');
		expect(firstChanged).toEqual(
			expect.arrayContaining([
				'node1: file /var/lib/postgresql/.ssh/authorized_keys',
				'node3: repository /var/lib/pgbackrest',
				'node3: file /etc/pgbackrest/repo.conf',
				'node3: stanza compact',
				'node3: first full backup',
				'node3: file /usr/local/lib/pgha/backup-verify',
				'node3: file /etc/cron.d/pgha-compact',
			]),
		);
		expect(cluster.backups.map(b => b.type)).toEqual(['full']);
		// The repository trusts each node's postgres key, and each node the repository's.
		const repoTrusts = cluster.host('node3').files.get('/var/lib/postgresql/.ssh/authorized_keys')?.content ?? '';
		expect(repoTrusts).toContain('postgres@node1');
		expect(cluster.host('node1').files.get('/var/lib/postgresql/.ssh/authorized_keys')?.content).toContain('postgres@node3');
	});
});

import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';
import {sshTrustFiles} from '../../../recipes/pgbackrest/steps.js';
import {answersFrom, example, exampleRaw, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {converge, failures, phasesThrough} from '../converge.js';

describe('pgBackRest steps', () => {
	test('SSH trust both ways, repository, stanza, one full backup and the schedule; a re-run takes no second backup', async () => {
		const {firstChanged, changedIn, cluster} = await provesIdempotent('backup');
		// The repository's directory and config are ready before PostgreSQL runs (prepare).
		expect(changedIn('prepare')).toEqual(expect.arrayContaining(['node3: repository /var/lib/pgbackrest', 'node3: file /etc/pgbackrest/repo.conf']));
		expect(firstChanged).toEqual(
			expect.arrayContaining([
				'node1: file /var/lib/postgresql/.ssh/authorized_keys',
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

describe('stanza-create', () => {
	test("waits out the archive lock a node's archive-push holds for a moment, and reports any other failure", async () => {
		const answers = withStatsPassword(example('compact'));
		const cluster = FakeCluster.of(answers);
		const phases = phasesThrough(answers, 'backup');
		cluster.archiveLockHeldFor = 3;
		const held = await converge(cluster, answers, phases);
		expect(failures(held.events)).toEqual([]);
		expect(cluster.archiveLockHeldFor).toBe(0);
		expect(cluster.stanza).toBe('compact');

		const other = FakeCluster.of(answers);
		const phasesWithoutLeader = phases.filter(p => p.name !== 'postgres-leader' && p.name !== 'postgres-replicas');
		const failed = await converge(other, answers, phasesWithoutLeader.map(p => ({...p, after: p.after?.filter(n => n !== 'postgres-leader' && n !== 'postgres-replicas')})));
		expect(failures(failed.events).join('\n')).toMatch(/stanza compact: .*unable to find primary cluster/);
	});
});

describe('sshTrustFiles', () => {
	test('names a peer as [ip]:port in known_hosts when SSH is on another port, as OpenSSH looks it up', () => {
		const raw = exampleRaw('compact');
		raw['ssh'] = {...(raw['ssh'] as object), port: 2222};
		const answers = answersFrom(raw);
		const identities = new Map(answers.hosts.map(h => [h.name, {userKey: `ssh-ed25519 AAAA postgres@${h.name}`, hostKey: `ssh-ed25519 HOST${h.name}`}]));
		const files = sshTrustFiles(answers.hosts.find(h => h.name === 'node1')!, answers, identities);
		expect(files.find(f => f.path.endsWith('/known_hosts'))?.content).toBe('[10.20.0.13]:2222 ssh-ed25519 HOSTnode3\n');
	});
});

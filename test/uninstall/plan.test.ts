import {describe, expect, test} from 'vitest';
import {formatUninstallPlan, planUninstall, stackPackages} from '../../source/uninstall/plan.js';
import type {HostSurvey} from '../../source/uninstall/survey.js';
import {packagesFor} from '../../recipes/index.js';
import {example, withStatsPassword} from '../answers/fixtures.js';

const answers = withStatsPassword(example('seed-topology'));
const host = (name: string) => answers.hosts.find(h => h.name === name)!;

/** Every host installed by pgha with a record of an empty host before it. */
function surveys(change: (name: string, survey: HostSurvey) => HostSurvey = (_, s) => s): Map<string, HostSurvey> {
	return new Map(answers.hosts.map(h => [h.name, change(h.name, {marker: 'produccion', installed: [...packagesFor(h), 'libpq5'], configOnly: [], before: [], pendingDrill: []})]));
}

describe('the uninstall plan', () => {
	test('without wipes: data, repository and marker stay; etcd-server is removed, not purged; everything else pgha installed is purged', () => {
		const plan = planUninstall(answers, surveys(), new Map(), {wipeData: false, wipeBackups: false});
		expect(plan.problems).toEqual([]);
		const etcd1 = plan.hosts.find(h => h.name === 'etcd1')!;
		expect(etcd1.removal.units).toEqual(['etcd']);
		expect(etcd1.removal.purge).toEqual(['etcd-client']);
		expect(etcd1.removal.removeOnly).toEqual(['etcd-server']);
		expect(etcd1.removal.wipe).toEqual([]);
		expect(etcd1.removal.files).not.toContain('/etc/pgha/cluster');
		expect(etcd1.removal.installedByPgha).toContain('libpq5');
		const pg = plan.hosts.find(h => h.name === 'postgres1')!;
		expect(pg.removal.units).toEqual(['pgbouncer', 'patroni']);
		expect(pg.removal.files).toEqual(expect.arrayContaining(['/etc/patroni/config.yml', '/etc/pgbouncer/userlist.txt', '/var/lib/postgresql/.ssh/authorized_keys', '/var/lib/postgresql/.ssh/known_hosts']));
		expect(pg.removal.directories).toEqual(expect.arrayContaining(['/etc/patroni/tls', '/etc/pgbouncer/tls']));
		const balancer = plan.hosts.find(h => h.name === 'haproxy1')!;
		expect(balancer.removal.units).toEqual(['keepalived', 'haproxy']);
		expect(balancer.removal).toMatchObject({sysctl: true, users: ['keepalived_script']});
		// A host with no data keeps no marker.
		expect(balancer.removal.files).toContain('/etc/pgha/cluster');
		const repo = plan.hosts.find(h => h.name === 'pgbackrestRepo')!;
		expect(repo.removal.schedule).toEqual(['/etc/cron.d/pgha-produccion', '/usr/local/lib/pgha/backup-verify']);
		expect(repo.removal.units).toEqual([]);
		expect(repo.stays).toEqual(expect.arrayContaining([expect.stringContaining('/var/lib/pgbackrest (the pgBackRest repository')]));
		expect(repo.removal.markRepository).toBe(false);
	});

	test('--wipe-data --wipe-backups: the data, the repository and the marker go, and etcd-server is purged', () => {
		const plan = planUninstall(answers, surveys(), new Map(), {wipeData: true, wipeBackups: true});
		expect(plan.hosts.find(h => h.name === 'etcd1')!.removal).toMatchObject({purge: ['etcd-client', 'etcd-server'], removeOnly: [], wipe: ['/var/lib/etcd']});
		expect(plan.hosts.find(h => h.name === 'postgres1')!.removal.wipe).toEqual(['/data/patroni']);
		expect(plan.hosts.find(h => h.name === 'postgres1')!.removal.files).toContain('/etc/pgha/cluster');
		expect(plan.hosts.find(h => h.name === 'pgbackrestRepo')!.removal.wipe).toEqual(['/var/lib/pgbackrest', '/var/log/pgbackrest']);
		expect(plan.hosts.every(h => h.stays.length === 0)).toBe(true);
	});

	test('--wipe-data alone marks the kept repository and says an install will refuse it', () => {
		const plan = planUninstall(answers, surveys(), new Map(), {wipeData: true, wipeBackups: false});
		expect(plan.hosts.find(h => h.name === 'pgbackrestRepo')!.removal.markRepository).toBe(true);
		expect(plan.notes.join('\n')).toContain('an install refuses it until it is moved away or `pgha uninstall --cluster produccion --wipe-backups` deletes it');
	});

	test('packages the host had before pgha stay; with no record only the stack itself goes', () => {
		const withCron = planUninstall(answers, surveys((name, s) => (name === 'pgbackrestRepo' ? {...s, before: ['cron', 'openssh-client']} : s)), new Map(), {wipeData: true, wipeBackups: true});
		const repo = withCron.hosts.find(h => h.name === 'pgbackrestRepo')!;
		expect(repo.keptPackages).toEqual([
			{name: 'cron', why: 'there before pgha'},
			{name: 'openssh-client', why: 'there before pgha'},
		]);
		expect(repo.removal.purge).toEqual(['jq', 'pgbackrest', 'postgresql-15', 'postgresql-client-15']);
		expect(repo.removal.installedByPgha).not.toContain('cron');

		const noRecord = planUninstall(answers, surveys((_, s) => ({...s, before: undefined})), new Map(), {wipeData: true, wipeBackups: true});
		const repoNoRecord = noRecord.hosts.find(h => h.name === 'pgbackrestRepo')!;
		expect(repoNoRecord.removal.purge.every(p => stackPackages.includes(p))).toBe(true);
		expect(repoNoRecord.keptPackages.map(k => k.name)).toEqual(['cron', 'jq', 'openssh-client']);
		expect(repoNoRecord.removal.installedByPgha).toBeUndefined();
	});

	test('a package already gone is not listed again', () => {
		const plan = planUninstall(answers, surveys((_, s) => ({...s, installed: []})), new Map(), {wipeData: true, wipeBackups: true});
		expect(plan.hosts.flatMap(h => h.removal.purge)).toEqual([]);
	});

	test('a host of another cluster and an armed drill refuse the run; an unreachable host is reported', () => {
		const plan = planUninstall(
			answers,
			surveys((name, s) => (name === 'postgres2' ? {...s, marker: 'otro'} : name === 'postgres3' ? {...s, pendingDrill: ['pgha-drill-undo-x.timer']} : s)),
			new Map([['etcd3', 'connect ETIMEDOUT']]),
			{wipeData: false, wipeBackups: false},
		);
		expect(plan.problems).toEqual([
			expect.stringContaining('postgres2 belongs to cluster "otro"'),
			expect.stringContaining('postgres3 still has a failover drill'),
		]);
		expect(plan.unreachable).toEqual([{name: 'etcd3', why: 'connect ETIMEDOUT'}]);
	});

	test('the plan in lines: per host what stops, what goes and what stays, then what comes after', () => {
		const s = surveys();
		s.delete('etcd3');
		const lines = formatUninstallPlan(planUninstall(answers, s, new Map([['etcd3', 'connect ETIMEDOUT']]), {wipeData: false, wipeBackups: false}), {wipeData: false, wipeBackups: false});
		expect(lines[0]).toBe('uninstall: cluster "produccion", 8 host(s)');
		expect(lines).toContain('  haproxy1 (balancer)');
		expect(lines).toContain('    stops: keepalived, haproxy');
		expect(lines).toContain('    removes (configuration kept): etcd-server');
		expect(lines).toContain("    keeps: /data/patroni (PostgreSQL's data; --wipe-data deletes it)");
		expect(lines).toContain('  etcd3: UNREACHABLE (connect ETIMEDOUT); nothing is done there: run the uninstall again once it answers');
		expect(lines.at(-1)).toBe('The saved cluster "produccion" stays (answers, secrets, CA and keys): `pgha install --cluster produccion` installs it again; `pgha answers remove produccion` forgets it.');
		expect(lines.join('\n')).toContain('`pgha install --cluster produccion` later starts this cluster again on it (nothing is initialised again)');
	});
});

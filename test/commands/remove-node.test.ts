import {existsSync, rmSync} from 'node:fs';
import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest';
import type {AnswersInput} from '../../source/answers/schema.js';
import {readCluster} from '../../source/answers/store.js';
import {main} from '../../source/commands/main.js';
import {readRemovalJournal, removalJournalFile} from '../../source/remove-node/journal.js';
import {example} from '../answers/fixtures.js';
import {fakeCluster, type FakeState} from '../remove-node/fake-cluster.js';
import {captureIo, noFlags} from './io.js';
import {savedSeed, snapshot} from './saved-cluster.js';

// The cluster behind the fake transport: every host answers from one shared state, unless listed as down.
let cluster: ReturnType<typeof fakeCluster>;
let state: FakeState;
const down: string[] = [];
const opened: string[] = [];
vi.mock('../../source/transport/ssh.js', async importOriginal => {
	const real = (await importOriginal()) as typeof import('../../source/transport/ssh.js');
	return {
		...real,
		HostConnection: {
			open: async (host: {name: string; ip: string}) => {
				opened.push(host.name);
				const run = down.includes(host.name) ? undefined : cluster.runOn(host.name);
				if (!run) throw new Error(`${host.name} (${host.ip}) is unreachable over SSH port 22: connect EHOSTUNREACH`);
				return {fingerprint: `SHA256:${host.name}`, close: () => {}, run: (script: string, options?: object) => run(script, options)};
			},
		},
	};
});

// The convergent run is the install engine's, tested on its own: here it saves the answers as it does after preflight, and passes or fails.
const converged: AnswersInput[] = [];
let convergeOk = true;
vi.mock('../../source/engine/install.js', async () => {
	const store = await import('../../source/answers/store.js');
	return {
		applyCluster: async (request: {raw: AnswersInput; env: NodeJS.ProcessEnv}) => {
			converged.push(request.raw);
			store.saveCluster(request.raw, request.env);
			return convergeOk ? {ok: true, changed: 3, unchanged: 40, logFile: '/tmp/run.log', unreachable: []} : {ok: false, changed: 1, unchanged: 3, logFile: '/tmp/run.log', unreachable: [], failed: {host: 'haproxy1', phase: 'balancers', step: 'file /etc/haproxy/haproxy.cfg'}};
		},
	};
});

const homes: string[] = [];
const home = (env: Record<string, string>) => (homes.push(env['PGHA_HOME']!), env);
afterAll(() => homes.forEach(dir => rmSync(dir, {recursive: true, force: true})));

const seed = example('seed-topology');
const withKeys = (raw: AnswersInput): AnswersInput => ({...raw, ssh: {...raw.ssh, hostKeys: Object.fromEntries(raw.hosts.map(h => [h.name, `SHA256:${h.name}`]))}});
beforeEach(() => {
	state = {
		members: ['postgres1', 'postgres2', 'postgres3'],
		leader: 'postgres1',
		slots: new Map([
			['postgres2', true],
			['postgres3', true],
		]),
		patroniDropsSlots: true,
		etcd: [],
		vip: 'haproxy1',
		disabled: new Map(),
	};
	cluster = fakeCluster(seed, state);
	down.splice(0);
	opened.splice(0);
	converged.splice(0);
	convergeOk = true;
});

const yes = {...noFlags, cluster: 'produccion', yes: true};

describe('pgha remove-node: usage and refusals (exit 2, nothing changed, no host contacted)', () => {
	it('needs exactly one host name', async () => {
		const env = home(savedSeed());
		for (const args of [[], ['postgres2', 'postgres3']]) {
			const io = captureIo(env);
			expect(await main(['remove-node', ...args], yes, io)).toBe(2);
			expect(io.stderr()).toMatch(/^pgha: remove-node takes one host name: pgha remove-node NAME \[--cluster NAME\] \[--wipe\] \[--switchover\] \[--yes\] \[--dry-run\]/);
		}
		expect(opened).toEqual([]);
	});

	it('without --yes and without a terminal it is refused, naming --yes', async () => {
		const env = home(savedSeed());
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], {...noFlags, cluster: 'produccion'}, io)).toBe(2);
		expect(io.stderr()).toBe('pgha: remove-node changes the cluster; pass --yes to run it without a terminal');
		expect(opened).toEqual([]);
	});

	it('an unknown name lists the hosts', async () => {
		const env = home(savedSeed());
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres9'], yes, io)).toBe(2);
		expect(io.stderr()).toBe('pgha: no host named "postgres9" in cluster produccion; its hosts are postgres1, postgres2, postgres3, etcd1, etcd2, etcd3, haproxy1, haproxy2, pgbackrestRepo');
		expect(opened).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it.each([
		['pgbackrestRepo', 'pgbackrestRepo keeps the pgBackRest repository (every backup and the WAL archive); pgha cannot move the repository to another host.'],
		['etcd2', 'etcd2 is one of 3 etcd members; 2 would remain, and etcd needs at least 3 (3 tolerate 1 failure; 2 tolerate none)'],
		['haproxy1', 'haproxy1 is the last balancer; nothing else could hold the VIP 192.168.100.56, and pgha cannot give the balancer role to another host on a live cluster', (raw: AnswersInput) => ({...raw, hosts: raw.hosts.filter(h => h.name !== 'haproxy2')})],
		[
			'etcd5',
			'etcd5 is one of 5 etcd members; 4 would remain, and 4 members tolerate 1 failure where 5 tolerate 2 failures (a majority of 4 is 3): the cluster would survive fewer failures',
			(raw: AnswersInput) => ({...raw, hosts: [...raw.hosts, {name: 'etcd4', ip: '192.168.100.31', roles: ['etcd' as const]}, {name: 'etcd5', ip: '192.168.100.32', roles: ['etcd' as const]}]}),
		],
	])('%s is refused from the answers alone', async (name, reason, change?: (raw: AnswersInput) => AnswersInput) => {
		const env = home(savedSeed(change));
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['remove-node', name], yes, io)).toBe(2);
		expect(io.stderr()).toContain(`pgha: remove-node ${name} refused, nothing was changed:\n  ${reason}`);
		expect(opened).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('the leader is refused after Patroni is asked, and nothing changes', async () => {
		const env = home(savedSeed());
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres1'], yes, io)).toBe(2);
		expect(io.stderr()).toBe('pgha: remove-node postgres1 refused, nothing was changed:\n  postgres1 leads; run with --switchover to hand the leader role to a replica first, or `pgha switchover`');
		expect(cluster.log.filter(line => /disable|stop|remove|drop/.test(line))).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('a PostgreSQL host is not removed while Patroni names no leader (exit 1)', async () => {
		const env = home(savedSeed());
		state.members = [];
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], yes, io)).toBe(1);
		expect(io.stderr()).toBe('pgha: Patroni names no leader, so whether postgres3 leads cannot be told; nothing was changed. See `pgha status`, and `pgha repair`');
	});

	it('a host that stays and does not answer stops the run before anything changes (exit 1)', async () => {
		const env = home(savedSeed());
		down.push('haproxy2');
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], yes, io)).toBe(1);
		expect(io.stderr()).toMatch(/^pgha: the hosts that stay must answer, nothing was changed:\n {2}haproxy2 \(192\.168\.100\.6\) is unreachable/);
	});
});

describe('pgha remove-node: a run', () => {
	it('--dry-run prints the plan and changes nothing, without --yes', async () => {
		const env = home(savedSeed());
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], {...noFlags, cluster: 'produccion', dryRun: true}, io)).toBe(0);
		expect(io.lines[0]).toMatch(/^Plan for removing postgres3 \(192\.168\.100\.3; postgres\) from cluster "produccion":\n {2}postgres3: patroni, postgresql, pgbouncer stop and are disabled/);
		expect(cluster.log.filter(line => /disable|stop|remove|drop/.test(line))).toEqual([]);
		expect(converged).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('1 of 2 balancers may go: --dry-run says the other holds the VIP alone, with no standby', async () => {
		const env = home(savedSeed());
		const before = snapshot(env['PGHA_HOME']!);
		const io = captureIo(env);
		expect(await main(['remove-node', 'haproxy1'], {...noFlags, cluster: 'produccion', dryRun: true}, io)).toBe(0);
		const plan = io.lines[0]!.split('\n');
		expect(plan[0]).toBe('Plan for removing haproxy1 (192.168.100.5; balancer) from cluster "produccion":');
		expect(plan).toContain('  haproxy1 holds the VIP 192.168.100.56: Keepalived stops there first, and the run waits until haproxy2 holds it and answers on 5000');
		expect(plan).toContain('  haproxy2: Keepalived forgets its peer haproxy1 and holds the VIP alone, as the sole balancer (reload)');
		expect(plan).toContain('  note: 1 balancer remains (haproxy2): the VIP 192.168.100.56 has no standby; if that host fails, clients lose the VIP until it returns');
		expect(cluster.log.filter(line => /disable|stop|remove|drop/.test(line))).toEqual([]);
		expect(snapshot(env['PGHA_HOME']!)).toEqual(before);
	});

	it('a replica leaves: its services stop, the rest converges without it, the answers forget it and its key', async () => {
		const env = home(savedSeed(withKeys));
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], yes, io)).toBe(0);
		expect(state.disabled.get('postgres3')).toEqual(['patroni', 'postgresql', 'pgbouncer']);
		expect(converged.map(raw => raw.hosts.map(h => h.name))).toEqual([['postgres1', 'postgres2', 'etcd1', 'etcd2', 'etcd3', 'haproxy1', 'haproxy2', 'pgbackrestRepo']]);
		const saved = readCluster('produccion', env)!;
		expect(saved.hosts.map(h => h.name)).not.toContain('postgres3');
		expect(Object.keys(saved.ssh?.hostKeys ?? {})).not.toContain('postgres3');
		expect(Object.keys(saved.ssh?.hostKeys ?? {})).toHaveLength(8);
		expect(existsSync(removalJournalFile('produccion', env))).toBe(false);
		expect(io.lines.at(-1)).toBe('pgha: postgres3 left cluster "produccion"; the remaining hosts verified.');
	});

	it('a dead replica is removed with a warning; the rest of the cluster forgets it', async () => {
		const env = home(savedSeed());
		down.push('postgres3');
		state.members = ['postgres1', 'postgres2'];
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], yes, io)).toBe(0);
		expect(io.stdout()).toContain('postgres3 does not answer over SSH: its services cannot be stopped now');
		expect(io.stdout()).toContain('postgres3: does not answer over SSH; its services were not stopped (warning)');
		expect(io.lines.at(-1)).toBe('pgha: postgres3 left cluster "produccion"; the remaining hosts verified (postgres3 did not answer: its services still run there).');
	});

	it('a run that stops after the answers were saved without the host is finished by the same command', async () => {
		const env = home(savedSeed(withKeys));
		convergeOk = false;
		const io = captureIo(env);
		expect(await main(['remove-node', 'postgres3'], {...yes, wipe: true}, io)).toBe(1);
		expect(io.stderr()).toContain('pgha: postgres3 is not fully removed; run `pgha remove-node postgres3 --cluster produccion --yes` again to finish');
		expect(readCluster('produccion', env)!.hosts.map(h => h.name)).not.toContain('postgres3');
		expect(readRemovalJournal('produccion', env)?.host).toEqual({name: 'postgres3', ip: '192.168.100.3', roles: ['postgres']});

		// Another host cannot be removed meanwhile.
		const other = captureIo(env);
		expect(await main(['remove-node', 'postgres2'], yes, other)).toBe(2);
		expect(other.stderr()).toBe('pgha: the removal of postgres3 from cluster produccion is unfinished; run `pgha remove-node postgres3 --cluster produccion` to finish it first');

		convergeOk = true;
		const again = captureIo(env);
		// Begun with --wipe, finished without it: the data still goes.
		expect(readRemovalJournal('produccion', env)?.wipe).toBe(true);
		expect(await main(['remove-node', 'postgres3'], yes, again)).toBe(0);
		expect(again.lines[0]).toBe('remove-node: the removal of postgres3 started earlier is unfinished; this run finishes it');
		expect(converged.at(-1)!.hosts.map(h => h.name)).not.toContain('postgres3');
		expect(Object.keys(readCluster('produccion', env)!.ssh?.hostKeys ?? {})).not.toContain('postgres3');
		expect(readRemovalJournal('produccion', env)).toBeUndefined();
		expect(cluster.log.filter(line => line.startsWith('postgres3: for dir in /data/patroni;') && line.includes('-delete'))).toHaveLength(2);
	});

	it('the leader with --switchover hands the leader role over first', async () => {
		const env = home(savedSeed());
		const io = captureIo(env);
		// The switchover's own run (writers through the VIP) is pgha switchover's and tested there; here it is refused by its pre-checks: no replica streams.
		expect(await main(['remove-node', 'postgres1'], {...yes, switchover: true}, io)).toBe(1);
		expect(io.stdout()).toContain("  switchover first: postgres1 hands the leader role to a replica (pgha switchover's pre-checks apply)");
		expect(io.stderr()).toContain('pgha: remove-node postgres1 stopped: the switchover was refused, nothing was changed: postgres2 is not streaming from postgres1');
		expect(cluster.log.filter(line => /disable|systemctl stop/.test(line))).toEqual([]);
	});
});

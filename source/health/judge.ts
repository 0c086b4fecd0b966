import type {Answers} from '../answers/schema.js';
import {backupHost, hostNames, hostsWithRole} from '../answers/hosts.js';
import {ports} from '../../recipes/kit/locations.js';
import type {ClusterStatus} from './observe.js';
import {renewWithinDays} from '../keys/cluster-keys.js';
import {haTiming} from '../answers/ha-timing.js';
import {durability} from '../answers/durability.js';
import {syncStandbyRole} from '../../recipes/postgres/probes.js';
import {locations} from '../../recipes/kit/locations.js';
import {cronPeriodSeconds} from '../answers/cron-period.js';

/** One judgement of the cluster's health: what was judged, whether it holds, and the evidence either way. */
export type Finding = {name: string; ok: boolean; evidence: string};

/** How old the newest backup may be before it counts as drift: the default schedule backs up every day. */
export const maxBackupAgeSeconds = 2 * 86_400;

const finding = (name: string, ok: boolean, evidence: string): Finding => ({name, ok, evidence});

/**
 * Why a replica that does not stream may never catch up by itself: it is
 * still on an older timeline, having received WAL the new leader never had
 * (an asynchronous failover). Only cloning it again brings it back.
 */
function timelineBehind(status: ClusterStatus, name: string, leader: string): string | undefined {
	const mine = status.postgres.find(m => m.member === name)?.timeline;
	const theirs = status.postgres.find(m => m.member === leader)?.timeline;
	if (mine === undefined || theirs === undefined || mine >= theirs) return undefined;
	return ` (it is on timeline ${mine}, the leader on ${theirs}: if it stays there it holds WAL the leader never had, and \`patronictl reinit ${status.cluster} ${name}\` on a PostgreSQL node clones it again)`;
}

/**
 * The one health model: what a healthy cluster looks like, judged on what
 * `observeCluster` saw. verify, status and repair --check all use it. Pure.
 */
export function judgeCluster(answers: Answers, status: ClusterStatus): Finding[] {
	const nodes = hostNames(hostsWithRole(answers, 'postgres'));
	const replicas = nodes.length - 1;
	const out: Finding[] = [];

	const healthy = status.etcd.filter(e => e.healthy);
	out.push(
		finding(
			'etcd healthy on all members',
			status.etcd.length > 0 && healthy.length === hostsWithRole(answers, 'etcd').length,
			`${healthy.length}/${hostsWithRole(answers, 'etcd').length} healthy${status.etcd.filter(e => !e.healthy).map(e => `; ${e.endpoint} unhealthy${e.error ? `: ${e.error}` : ''}`).join('')}`,
		),
	);

	const leaders = status.postgres.filter(m => m.role === 'Leader');
	const problems: string[] = [];
	if (leaders.length !== 1) problems.push(`Patroni has ${leaders.length} leaders; it should have 1`);
	for (const name of nodes) {
		const member = status.postgres.find(m => m.member === name);
		if (!member) problems.push(`${name} is not a Patroni member`);
		else if (!['running', 'streaming'].includes(member.state)) problems.push(`${name} is ${member.state}`);
	}
	const rows = status.replication ?? [];
	const maximumLag = haTiming(answers).patroni.maximumLagOnFailover;
	if (leaders.length === 1 && !status.replication) problems.push(`the leader ${leaders[0]!.member} did not say which replicas stream from it`);
	else for (const name of nodes.filter(n => n !== leaders[0]?.member)) {
		const row = rows.find(r => r.name === name);
		const behind = leaders.length === 1 ? timelineBehind(status, name, leaders[0]!.member) : undefined;
		if (leaders.length === 1 && !row) problems.push(`${name} does not stream from the leader${behind ?? ''}`);
		else if (row && row.state !== 'streaming') problems.push(`${name} is ${row.state}, not streaming`);
		// The same limit Patroni uses to decide a replica is fit to take over: a busy cluster is never exactly caught up.
		else if (row && (row.lagBytes < 0 || row.lagBytes > maximumLag))
			problems.push(`${name} lags ${row.lagBytes} bytes behind the leader (more than patroni.maximumLagOnFailover, ${maximumLag})`);
	}
	const summary = leaders.length === 1 ? `${leaders[0]!.member} leader; ${rows.map(r => `${r.name} ${r.state} lag ${r.lagBytes} bytes`).join('; ') || 'no replica connected'}` : `leaders: ${leaders.map(m => m.member).join(', ') || 'none'}`;
	out.push(finding('Patroni: one leader, replicas streaming within the failover lag limit', problems.length === 0, problems.length === 0 ? summary : `${problems.join('; ')} (${summary})`));
	const sync = synchronousFinding(answers, status);
	if (sync) out.push(sync);

	const mode = answers.pgbouncer.poolMode;
	const bouncers = nodes.map(n => ({name: n, seen: status.pgbouncer.find(p => p.host === n)}));
	out.push(
		finding(
			`PgBouncer pool mode ${mode}`,
			bouncers.every(b => b.seen?.active && b.seen.poolMode === mode),
			bouncers.map(b => `${b.name}: ${b.seen ? `${b.seen.poolMode || 'no pool_mode'} ${b.seen.active ? 'active' : 'NOT RUNNING'}` : 'does not answer'}`).join('; '),
		),
	);

	const {holders, address} = status.vip;
	out.push(finding(`VIP ${address} held by one balancer`, holders.length === 1, holders.length === 0 ? `no balancer holds ${address}` : `held by ${holders.join(', ')}`));

	const holder = holders[0];
	const view = status.haproxy.filter(b => b.balancer === holder);
	const up = (listener: string) => view.filter(b => b.listener === listener && b.status.startsWith('UP')).map(b => b.server);
	const leader = leaders[0]?.member;
	out.push(
		finding(
			`HAProxy: leader up on ${ports.readWrite}, replicas up on ${ports.readOnly}`,
			holder !== undefined && up('primary').length === 1 && (leader === undefined || up('primary')[0] === leader) && up('replicas').length === replicas,
			holder ? `${holder} holds the VIP; ${ports.readWrite} -> ${up('primary').join(',') || 'none'}; ${ports.readOnly} -> ${up('replicas').join(',') || 'none'} (expected ${replicas} replica${replicas === 1 ? '' : 's'})` : `no balancer holds ${address}`,
		),
	);

	out.push(certificatesFinding(status));

	if (backupHost(answers)) {
		const {backups, schedule} = status;
		const full = backups?.full;
		out.push(finding('pgBackRest lists a full backup', full !== undefined, full ? `latest full ${full.label}; ${backups!.count} backups in all` : `no full backup (${backups?.status ?? 'the repository does not answer'})`));
		const ages = [backups?.full, backups?.differential, backups?.incremental].filter(b => b !== undefined).map(b => b.ageSeconds);
		const newest = ages.length > 0 ? Math.min(...ages) : undefined;
		out.push(
			finding(
				'the newest backup is recent',
				newest !== undefined && newest <= maxBackupAgeSeconds,
				newest === undefined ? 'the repository holds no backup' : `the newest backup is ${newest < 86_400 ? `${Math.round(newest / 3600)} h` : `${Math.round(newest / 86_400)} days`} old`,
			),
		);
		const file = schedule && `${schedule.path} ${schedule.state === 'installed' ? 'matches the answers' : `is ${schedule.state === 'missing' ? 'missing' : 'different from the answers'}`}`;
		out.push(
			finding(
				'backup schedule installed on the repository',
				schedule?.state === 'installed' && schedule.cronActive,
				schedule ? `${file}; cron ${schedule.cronActive ? 'runs it' : 'is NOT running, so no scheduled backup runs'}` : 'the repository does not answer',
			),
		);
		out.push(restoreDrillFinding(answers, status));
	}
	return out;
}

/**
 * How old the latest restore drill may be: two periods of the backup.verify
 * schedule (one run may fail or be missed) and a day, in seconds.
 */
export function maxDrillAgeSeconds(answers: Pick<Answers, 'backup'>): number {
	return 2 * cronPeriodSeconds(answers.backup.verify) + 86_400;
}

const span = (seconds: number) => (seconds < 5_400 ? `${Math.max(0, Math.round(seconds / 60))} min` : seconds < 172_800 ? `${Math.round(seconds / 3600)} h` : `${Math.round(seconds / 86_400)} days`);

/**
 * The latest restore drill passed, and recently: within two periods of the
 * backup.verify schedule and a day. No drill yet is fine only while the
 * schedule that runs it is younger than that (a fresh install, or one that
 * just got the schedule): the first drill is not due yet.
 */
function restoreDrillFinding(answers: Answers, status: ClusterStatus): Finding {
	const name = 'backup restore drill passed recently';
	const allowed = maxDrillAgeSeconds(answers);
	const now = Date.parse(status.at);
	const limit = `${span(allowed)} (two periods of backup.verify "${answers.backup.verify}" and a day)`;
	const runNow = '`pgha backup verify` runs one now';
	const drill = status.restoreDrill;
	if (drill) {
		const age = (now - Date.parse(drill.at)) / 1000;
		if (!drill.ok) {
			const shown = drill.problems.slice(0, 3).join('; ') || 'no problem was recorded';
			const more = drill.problems.length > 3 ? ` (and ${drill.problems.length - 3} more)` : '';
			return finding(name, false, `the last drill (${drill.at}, ${span(age)} ago) FAILED: ${shown}${more}`);
		}
		if (age > allowed) return finding(name, false, `the last drill passed ${span(age)} ago (${drill.at}), longer ago than ${limit}; ${runNow}`);
		return finding(name, true, `passed ${drill.at} (${span(age)} ago): restore and replay ${drill.restoreSeconds} s, ${drill.durationSeconds} s in all`);
	}
	const {schedule} = status;
	if (!schedule) return finding(name, false, 'the repository does not answer');
	const scheduled = schedule.state === 'installed' && schedule.writtenAt ? (now - Date.parse(schedule.writtenAt)) / 1000 : undefined;
	if (scheduled !== undefined && scheduled <= allowed)
		return finding(name, true, `no drill yet: ${schedule.path} has scheduled it for ${span(scheduled)}, and the first is due within ${limit}; ${runNow}`);
	return finding(name, false, `no drill result on the repository (${locations.backupVerifyResult}) although ${schedule.state === 'installed' ? `${schedule.path} has scheduled it for ${scheduled === undefined ? 'an unknown time' : span(scheduled)}` : `${schedule.path} is ${schedule.state === 'missing' ? 'missing' : 'different from the answers'}`}; ${runNow}`);
}

/**
 * With synchronous durability, one replica must be Patroni's synchronous
 * standby: without one, commits either wait (strict) or are not protected.
 * Undefined for an asynchronous cluster, which has nothing to judge here.
 */
function synchronousFinding(answers: Answers, status: ClusterStatus): Finding | undefined {
	const commits = durability(answers);
	if (commits.mode !== 'synchronous') return undefined;
	const standbys = status.postgres.filter(m => m.role === syncStandbyRole);
	const members = status.postgres.map(m => `${m.member} ${m.role}`).join(', ') || 'no member answered';
	const without = commits.writesWithoutReplica === 'wait' ? 'commits wait until a replica is back' : 'commits go on without a replica confirming them';
	return finding(
		'Patroni: a synchronous standby confirms each commit',
		standbys.length > 0,
		standbys.length > 0 ? `${standbys.map(m => `${m.member} (${m.state})`).join(', ')} ${standbys.length === 1 ? 'is the synchronous standby' : 'are synchronous standbys'}` : `no member is a synchronous standby (${members}); ${without}`,
	);
}

/** Every certificate a service presents is readable and good for at least 30 more days; the evidence names the earliest expiry. */
function certificatesFinding(status: ClusterStatus): Finding {
	const name = `certificates valid for ${renewWithinDays} days or more`;
	const unreadable = status.certificates.filter(c => !c.notAfter);
	const dated = status.certificates.filter((c): c is typeof c & {notAfter: string} => c.notAfter !== undefined).sort((a, b) => a.notAfter.localeCompare(b.notAfter));
	const earliest = dated[0];
	const daysLeft = earliest ? Math.floor((Date.parse(earliest.notAfter) - Date.parse(status.at)) / 86_400_000) : undefined;
	const problems = [
		...unreadable.map(c => `${c.host}: ${c.path} is missing or not a certificate`),
		...dated.filter(c => Date.parse(c.notAfter) - Date.parse(status.at) < renewWithinDays * 86_400_000).map(c => `${c.host}: ${c.path} expires ${c.notAfter.slice(0, 10)}`),
	];
	const summary = earliest ? `earliest expiry ${earliest.notAfter.slice(0, 10)} (${daysLeft} days, ${earliest.host} ${earliest.path})` : 'no certificate could be read';
	return finding(name, problems.length === 0 && earliest !== undefined, [...problems, summary].join('; '));
}

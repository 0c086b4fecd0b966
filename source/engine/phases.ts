import type {Answers, HostAnswers} from '../answers/schema.js';
import {renderHostFiles} from '../render/index.js';
import type {ManagedFile} from '../../recipes/managed-file.js';
import {packageSteps, preflightSteps} from '../../recipes/common.js';
import {etcdSteps} from '../../recipes/etcd.js';
import {databaseStep, patroniSteps, pgbouncerSteps} from '../../recipes/postgres.js';
import {balancerSteps} from '../../recipes/balancer.js';
import {repositorySteps, sshTrustFiles} from '../../recipes/backup.js';
import {fileStep} from '../../recipes/managed-file.js';
import type {Phase, RunContext} from './step.js';

type FileGroup = 'etcd' | 'patroni' | 'pgbouncer' | 'balancer' | 'repository';

// Which phase writes a rendered file, by where it lives; a file no phase claims is a bug, not something to skip.
const groups: Array<[FileGroup, RegExp]> = [
	['etcd', /^\/etc\/default\/etcd$/],
	['patroni', /^\/etc\/patroni\/|^\/etc\/pgbackrest\/pgbackrest\.conf$/],
	['pgbouncer', /^\/etc\/pgbouncer\/|^\/etc\/systemd\/system\/pgbouncer\.service\.d\//],
	['balancer', /^\/etc\/haproxy\/|^\/etc\/keepalived\/|^\/etc\/sysctl\.d\//],
	['repository', /^\/etc\/pgbackrest\/repo\.conf$|^\/etc\/cron\.d\//],
];

/** A host's rendered files in one group. */
export function filesOf(answers: Answers, host: HostAnswers, run: Pick<RunContext, 'facts'>, group: FileGroup): ManagedFile[] {
	const iface = answers.network.interface ?? run.facts.get(host.name)?.interface ?? 'eth0';
	return renderHostFiles(answers, host.name, {interface: iface}).filter(file => {
		const found = groups.find(([, re]) => re.test(file.path));
		if (!found) throw new Error(`no phase writes ${file.path}`);
		return found[0] === group;
	});
}

const withRole = (answers: Answers, role: HostAnswers['roles'][number]) => answers.hosts.filter(h => h.roles.includes(role)).map(h => h.name);

/** How a run on a live cluster orders its phases. */
export type PhaseOptions = {
	/** The current Patroni leader: its replicas go first, one at a time, and it goes last. */
	leader?: string;
	/** Patroni's members now; a postgres host not among them is new and joins after the leader admits it. */
	members?: readonly string[];
	/** Only these hosts (the ones that answered); the others are reported, not guessed at. */
	reachable?: ReadonlySet<string>;
};

/** The install, as named phases in dependency order (verify runs after them). */
export function buildPhases(answers: Answers, options: PhaseOptions = {}): Phase[] {
	const phases = orderedPhases(answers, options);
	const {reachable} = options;
	if (!reachable) return phases;
	return phases.map(phase => ({...phase, hosts: phase.hosts.filter(h => reachable.has(h))})).filter(phase => phase.hosts.length > 0);
}

function orderedPhases(answers: Answers, {leader, members = []}: PhaseOptions): Phase[] {
	const all = answers.hosts.map(h => h.name);
	const postgres = withRole(answers, 'postgres');
	const backup = withRole(answers, 'backup');
	const live = leader !== undefined && postgres.includes(leader);
	const patroni = (host: HostAnswers, run: RunContext) => patroniSteps(host, filesOf(answers, host, run, 'patroni'));
	const joining = postgres.filter(n => !members.includes(n));
	const postgresPhases: Phase[] = live
		? [
				{name: 'postgres-replicas', summary: 'Patroni replicas, one at a time', hosts: postgres.filter(n => n !== leader && !joining.includes(n)), serial: true, steps: patroni},
				{name: 'postgres-leader', summary: 'the Patroni leader, after its replicas', hosts: [leader], steps: patroni},
				// New nodes clone once every member's pg_hba admits them.
				...(joining.length > 0 ? [{name: 'postgres-replicas' as const, summary: 'new replicas clone from the latest backup', hosts: joining, steps: patroni}] : []),
			]
		: [
				{name: 'postgres-leader', summary: 'Patroni bootstraps the first node', hosts: postgres.slice(0, 1), steps: patroni},
				{name: 'postgres-replicas', summary: 'Patroni replicas clone and stream', hosts: postgres.slice(1), steps: patroni},
			];
	const phases: Phase[] = [
		{name: 'preflight', summary: 'facts and safety checks; changes nothing', hosts: all, steps: host => preflightSteps(host, answers)},
		{name: 'packages', summary: 'Debian packages and role basics', hosts: all, steps: host => packageSteps(host, answers)},
		{name: 'etcd', summary: 'etcd members formed and healthy', hosts: withRole(answers, 'etcd'), steps: (host, run) => etcdSteps(host, answers, filesOf(answers, host, run, 'etcd'))},
		...postgresPhases,
		{
			name: 'pgbouncer',
			summary: 'application database, owner and PgBouncer',
			hosts: postgres,
			// On a live cluster PgBouncer restarts one node at a time.
			serial: live,
			steps: (host, run) => {
				return [databaseStep(answers), ...pgbouncerSteps(filesOf(answers, host, run, 'pgbouncer'))];
			},
		},
		{name: 'balancers', summary: 'HAProxy and Keepalived holding the VIP', hosts: withRole(answers, 'balancer'), steps: (host, run) => balancerSteps(answers, filesOf(answers, host, run, 'balancer'))},
	];
	if (backup.length > 0)
		phases.push({
			name: 'backup',
			summary: 'SSH trust, stanza, first full backup, schedule',
			// Serial: the nodes trust the repository before it creates the stanza over SSH.
			serial: true,
			hosts: [...postgres.filter(n => !backup.includes(n)), ...backup],
			steps: (host, run) => [
				...sshTrustFiles(host, answers, run.shared).map(fileStep),
				...(host.roles.includes('backup') ? repositorySteps(answers, filesOf(answers, host, run, 'repository')) : []),
			],
		});
	return phases;
}

import type {EngineEvent} from '../source/app/events.js';
import type {PhaseName} from '../source/phases.js';
import type {Role} from '../source/answers/schema.js';
import {seedLayout} from '../source/answers/layouts.js';
import {phaseNames} from '../source/phases.js';
import {packagesFor} from '../recipes/index.js';

/** A host of a sample run. */
export type SampleHost = {name: string; roles: string[]};

/** The seed's nine hosts, for samples and benchmarks. */
export const seedSampleHosts: SampleHost[] = [...seedLayout];

type StepPlan = {step: string; lines: string[]; changed?: boolean};


// Lines shaped like apt-get's, so widths and rates look like a real install.
function aptLines(roles: string[], random: () => number): string[] {
	const names = packagesFor({roles: roles as Role[]});
	const lines = ['Reading package lists...', 'Building dependency tree...', 'Reading state information...'];
	lines.push(`The following NEW packages will be installed:`, `  ${names.join(' ')} libpq5 ssl-cert`);
	lines.push(`0 upgraded, ${names.length + 12} newly installed, 0 to remove and 0 not upgraded.`);
	for (const name of [...names, 'libpq5', 'ssl-cert', 'libllvm14', 'libxslt1.1']) {
		const size = Math.floor(random() * 9000 + 40);
		lines.push(`Get:${lines.length} http://deb.debian.org/debian bookworm/main amd64 ${name} amd64 ${Math.floor(random() * 20)}.${Math.floor(random() * 10)}-1 [${size} kB]`);
	}
	for (const name of [...names, 'libpq5', 'ssl-cert']) {
		lines.push(`Selecting previously unselected package ${name}.`);
		lines.push(`Preparing to unpack .../${name}_amd64.deb ...`);
		lines.push(`Unpacking ${name} (${Math.floor(random() * 20)}.${Math.floor(random() * 10)}-1) ...`);
	}
	for (const name of names) lines.push(`Setting up ${name} ...`);
	lines.push('Processing triggers for libc-bin (2.36-9+deb12u7) ...');
	return lines;
}

function plans(host: SampleHost, phase: PhaseName, random: () => number, leader: string): StepPlan[] {
	const has = (role: string) => host.roles.includes(role);
	switch (phase) {
		case 'preflight':
			return [
				{step: 'ssh login and sudo', lines: ['uid=0(root) gid=0(root) groups=0(root)'], changed: false},
				{step: 'operating system', lines: ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'VERSION_ID="12"'], changed: false},
				{step: 'time and disk', lines: ['System clock synchronized: yes', '/dev/root  20G  1.2G  18G   7% /'], changed: false},
			];
		case 'packages':
			return [
				{step: 'apt-get update', lines: ['Hit:1 http://deb.debian.org/debian bookworm InRelease', 'Get:2 http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]', 'Reading package lists...']},
				{step: 'install packages', lines: aptLines(host.roles, random)},
			];
		case 'etcd':
			if (!has('etcd')) return [];
			return [
				{step: 'write /etc/default/etcd', lines: [`ETCD_NAME=${host.name}`, 'ETCD_INITIAL_CLUSTER_STATE=new']},
				{step: 'start etcd', lines: ['systemctl restart etcd', `etcd[812]: ${host.name} became leader at term 2`]},
				{step: 'cluster health', lines: ['http://127.0.0.1:2379 is healthy: successfully committed proposal: took = 2.1ms'], changed: false},
			];
		case 'postgres-leader':
			if (host.name !== leader) return [];
			return postgresSteps(host, true);
		case 'postgres-replicas':
			if (!has('postgres') || host.name === leader) return [];
			return postgresSteps(host, false);
		case 'pgbouncer':
			if (!has('postgres')) return [];
			return [
				{step: 'write /etc/pgbouncer/pgbouncer.ini', lines: ['pool_mode = transaction', 'max_client_conn = 300']},
				{step: 'restart pgbouncer', lines: ['LOG listening on 0.0.0.0:6432', 'LOG process up: PgBouncer 1.18.0']},
			];
		case 'balancers':
			if (!has('balancer')) return [];
			return [
				{step: 'net.ipv4.ip_nonlocal_bind', lines: ['net.ipv4.ip_nonlocal_bind = 1']},
				{step: 'write /etc/haproxy/haproxy.cfg', lines: ['Configuration file is valid']},
				{step: 'write /etc/keepalived/keepalived.conf', lines: ['vrrp_instance VI_1 { virtual_router_id 51 }']},
				{step: 'start haproxy and keepalived', lines: ['Started haproxy.service - HAProxy Load Balancer.', `Keepalived_vrrp: (VI_1) Entering ${host.name.endsWith('1') ? 'MASTER' : 'BACKUP'} STATE`]},
			];
		case 'backup':
			if (has('backup'))
				return [
					{step: 'write /etc/pgbackrest.conf', lines: ['[global]', 'repo1-retention-full=3', 'repo1-cipher-type=aes-256-cbc']},
					{step: 'stanza-create', lines: ['P00   INFO: stanza-create command begin 2.45', 'P00   INFO: stanza-create for stanza \'produccion\' on repo1', 'P00   INFO: stanza-create command end: completed successfully (812ms)']},
					{step: 'full backup', lines: ['P00   INFO: backup command begin 2.45', 'P00   INFO: execute non-exclusive backup start', 'P00   INFO: new backup label = 20250105-010002F', 'P00   INFO: full backup size = 29.4MB, file total = 1271', 'P00   INFO: backup command end: completed successfully (9.1s)']},
				];
			if (has('postgres')) return [{step: 'write /etc/pgbackrest.conf', lines: ['repo1-host=pgbackrestRepo']}];
			return [];
		case 'verify':
			return [];
	}
}

function postgresSteps(host: SampleHost, leader: boolean): StepPlan[] {
	return [
		{step: 'stop the Debian main cluster', lines: ['pg_dropcluster 15 main --stop']},
		{step: 'write /etc/patroni/config.yml', lines: ['scope: produccion', `name: ${host.name}`]},
		{step: 'start patroni', lines: leader
			? ['INFO: trying to bootstrap a new cluster', 'INFO: postmaster pid=2207', 'INFO: initialized a new cluster', `INFO: no action. I am (${host.name}), the leader with the lock`]
			: ['INFO: trying to bootstrap from leader', 'INFO: replica has been created using basebackup', `INFO: no action. I am (${host.name}), a secondary, and following a leader`]},
		{step: leader ? 'wait for leader' : 'wait for streaming', lines: [leader ? `Leader: ${host.name}` : 'state: streaming, lag 0'], changed: false},
	];
}

/** Options for a sample run. */
export type SampleOptions = {
	hosts?: SampleHost[];
	cluster?: string;
	/** Time of the first event. */
	start?: number;
	/** Milliseconds between two output lines of one host. */
	lineGap?: number;
	/** Make this host fail this step. */
	fail?: {host: string; step: string};
	seed?: number;
};

/**
 * A deterministic install run, event by event, as the engine would report it:
 * phases in order, hosts of a phase in parallel, output lines spaced
 * `lineGap` ms apart. Used for the recorded fixtures and the benchmarks.
 */
export function sampleInstall(options: SampleOptions = {}): EngineEvent[] {
	const hosts = options.hosts ?? seedSampleHosts;
	const random = seeded(options.seed ?? 7);
	const lineGap = options.lineGap ?? 40;
	const phases: PhaseName[] = [...phaseNames];
	const leader = hosts.find(host => host.roles.includes('postgres'))?.name ?? '';
	const logFile = '/root/.local/state/pgha/produccion/install.log';
	let now = options.start ?? 1_700_000_000_000;
	const events: EngineEvent[] = [{type: 'run-started', cluster: options.cluster ?? 'produccion', hosts, phases, logFile, at: now}];
	let changed = 0;
	let unchanged = 0;
	for (const phase of phases) {
		const work = hosts.map(host => ({host, steps: plans(host, phase, random, leader)})).filter(w => w.steps.length > 0 || phase === 'preflight');
		events.push({type: 'phase-started', phase, hosts: work.map(w => w.host.name), at: now});
		// Each host runs its steps in its own timeline; the merged stream is sorted by time.
		const timeline: EngineEvent[] = [];
		let phaseEnd = now;
		let failed = false;
		for (const {host, steps} of work) {
			let t = now + Math.floor(random() * 50);
			for (const plan of steps) {
				timeline.push({type: 'step-started', host: host.name, phase, step: plan.step, at: t});
				t += 20;
				for (const line of plan.lines) {
					t += Math.floor(lineGap * (0.5 + random()));
					timeline.push({type: 'output', host: host.name, stream: 'stdout', line, at: t});
				}
				t += Math.floor(random() * 100) + 30;
				if (options.fail && options.fail.host === host.name && options.fail.step === plan.step) {
					timeline.push({
						type: 'step-failed',
						host: host.name,
						phase,
						step: plan.step,
						command: 'systemctl start patroni',
						error: 'exit code 1: patroni.service did not start',
						output: [
							'Job for patroni.service failed because the control process exited with error code.',
							'patroni[3107]: FATAL: could not connect to the primary server: connection to server at "192.168.100.1", port 5432 failed',
							'patroni[3107]: FATAL: password authentication failed for user "replicator"',
							'See "systemctl status patroni.service" and "journalctl -xeu patroni.service" for details.',
						],
						at: t,
					});
					failed = true;
					break;
				}
				const didChange = plan.changed ?? true;
				if (didChange) changed++;
				else unchanged++;
				timeline.push({type: 'step-finished', host: host.name, phase, step: plan.step, changed: didChange, at: t});
			}
			phaseEnd = Math.max(phaseEnd, t);
		}
		timeline.sort((a, b) => a.at - b.at);
		events.push(...timeline);
		now = phaseEnd + 10;
		if (phase === 'verify' && !failed) {
			for (const [name, evidence] of [
				['write through VIP:5000', 'INSERT 0 1 on postgres1 (leader)'],
				['read through VIP:5001', 'SELECT 1 row from postgres2 (replica)'],
				['backup listed', 'full backup 20250105-010002F, 29.4MB'],
			] as const) {
				now += 300;
				events.push({type: 'check', name, ok: true, evidence, at: now});
			}
		}
		events.push({type: 'phase-finished', phase, ok: !failed, at: now});
		if (failed) {
			events.push({type: 'run-finished', ok: false, changed, unchanged, logFile, at: now + 5});
			return events;
		}
	}
	events.push({type: 'run-finished', ok: true, changed, unchanged, logFile, at: now + 5});
	return events;
}

/**
 * A steady stream for measuring the screen: every host in one long phase,
 * each printing `linesPerSecond` lines and starting a new step every ~2 s,
 * for `durationMs`.
 */
export function streamingSample(options: {hosts?: SampleHost[]; durationMs: number; linesPerSecond: number; start: number; seed?: number}): EngineEvent[] {
	const hosts = options.hosts ?? seedSampleHosts;
	const random = seeded(options.seed ?? 11);
	const events: EngineEvent[] = [
		{type: 'run-started', cluster: 'produccion', hosts, phases: ['packages'], logFile: '/tmp/pgha-bench.log', at: options.start},
		{type: 'phase-started', phase: 'packages', hosts: hosts.map(h => h.name), at: options.start},
	];
	const timeline: EngineEvent[] = [];
	const gap = 1000 / options.linesPerSecond;
	for (const host of hosts) {
		const lines = aptLines(['postgres', 'etcd', 'balancer', 'backup'], random);
		let t = options.start + random() * gap;
		let stepNumber = 0;
		let stepEnds = t;
		let lineIndex = 0;
		while (t < options.start + options.durationMs) {
			if (t >= stepEnds) {
				if (stepNumber > 0) timeline.push({type: 'step-finished', host: host.name, phase: 'packages', step: `step ${stepNumber}`, changed: true, at: Math.floor(t)});
				stepNumber++;
				timeline.push({type: 'step-started', host: host.name, phase: 'packages', step: `step ${stepNumber}`, at: Math.floor(t)});
				stepEnds = t + 1500 + random() * 1000;
			}
			timeline.push({type: 'output', host: host.name, stream: 'stdout', line: lines[lineIndex++ % lines.length]!, at: Math.floor(t)});
			t += gap * (0.5 + random());
		}
	}
	timeline.sort((a, b) => a.at - b.at);
	events.push(...timeline);
	const end = options.start + options.durationMs;
	events.push({type: 'phase-finished', phase: 'packages', ok: true, at: end});
	events.push({type: 'run-finished', ok: true, changed: 0, unchanged: 0, logFile: '/tmp/pgha-bench.log', at: end});
	return events;
}

// mulberry32: small, fast, and the same sequence on every machine.
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

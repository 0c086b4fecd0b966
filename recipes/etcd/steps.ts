import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {hostNames, hostsWithRole} from '../../source/answers/hosts.js';
import type {HostRun, Step} from '../kit/step.js';
import {directoryStep} from '../kit/directory-step.js';
import {fileStep} from '../kit/file-step.js';
import {etcdDefaultsStep} from './defaults-step.js';
import {locations} from '../kit/locations.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';
import {waitFor} from '../kit/wait-for.js';
import {owed, paid} from '../kit/pending-change.js';
import {etcdClusterVersion, etcdctl, etcdMemberNames, localEtcdctl} from './probes.js';

/**
 * etcd member: its config, the service, and a formed cluster. Members start
 * in parallel (a new member waits for quorum). A member that holds data is
 * never wiped or re-bootstrapped: its data dir wins over the initial-cluster flags.
 */
export function etcdSteps(host: HostAnswers, answers: Answers, files: ManagedFile[]): Step[] {
	const members = hostNames(hostsWithRole(answers, 'etcd')).sort();
	const healthy = async (run: HostRun) => (await run(etcdctl(answers, 'endpoint health'), {quiet: true, check: false})).code === 0;
	// Patroni must not meet a cluster whose version is still undecided (etcdClusterVersion); a host that cannot tell does not hold the run up.
	const decided = async (run: HostRun) => (await etcdClusterVersion(run, host.ip)) !== '3.0.0';
	// Only a member this run started can belong to a cluster that just formed: a re-run does not ask.
	let started = false;
	return [
		...files.map(file => (file.path === locations.etcdDefaults ? etcdDefaultsStep(file) : fileStep(file))),
		// A data directory made before the package (by hand, or by an old attempt) would keep etcd from starting.
		directoryStep(locations.etcdDataDir, 'etcd', 0o700, `data directory ${locations.etcdDataDir}`),
		{
			...serviceStep('etcd'),
			async apply(ctx) {
				const how = await owed(ctx, 'etcd');
				await ctx.run('systemctl daemon-reload; systemctl enable --quiet etcd');
				// --no-block: the first member's start would otherwise wait for the others' quorum.
				await ctx.run(`systemctl ${how === 'restart' ? 'restart' : 'start'} --no-block etcd`);
				await waitFor('etcd to answer on this member', async () => (await ctx.run(localEtcdctl(host.ip, 'endpoint health'), {quiet: true, check: false})).code === 0, 120_000);
				started = true;
				await paid(ctx, 'etcd');
			},
		},
		{
			name: 'etcd cluster formed',
			async check(ctx) {
				if (!(await healthy(ctx.run))) return false;
				const names = await etcdMemberNames(ctx.run, answers);
				if (!names) return false;
				if (names.join() !== members.join())
					throw new Error(`etcd lists members ${names.join(', ')} but the answers name ${members.join(', ')}; pgha does not change etcd membership`);
				return !started || decided(ctx.run);
			},
			apply: async ctx => waitFor('all etcd members to join and agree on the cluster version', async () => (await healthy(ctx.run)) && (!started || decided(ctx.run)), 120_000),
		},
	];
}

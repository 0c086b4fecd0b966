import type {Answers, HostAnswers} from '../source/answers/schema.js';
import type {Step} from '../source/engine/step.js';
import {directoryStep, fileStep, serviceStep, waitFor, type ManagedFile} from './managed-file.js';

/** etcdctl against every member, v3 API. */
export function etcdctl(answers: Answers, command: string): string {
	const endpoints = answers.hosts.filter(h => h.roles.includes('etcd')).map(h => `http://${h.ip}:2379`).join(',');
	return `ETCDCTL_API=3 etcdctl --endpoints=${endpoints} --command-timeout=5s ${command}`;
}

/**
 * etcd member: its config, the service, and a formed cluster. Members start
 * in parallel (a new member waits for quorum). A member that holds data is
 * never wiped or re-bootstrapped: its data dir wins over the initial-cluster flags.
 */
export function etcdSteps(host: HostAnswers, answers: Answers, files: ManagedFile[]): Step[] {
	const members = answers.hosts.filter(h => h.roles.includes('etcd')).map(h => h.name).sort();
	return [
		...files.map(fileStep),
		// A data directory made before the package (by hand, or by an old attempt) would keep etcd from starting.
		directoryStep('/var/lib/etcd', 'etcd', 0o700, 'data directory /var/lib/etcd'),
		{
			...serviceStep('etcd'),
			async apply(ctx) {
				const how = ctx.touched.get('etcd');
				ctx.touched.delete('etcd');
				await ctx.run('systemctl daemon-reload; systemctl enable --quiet etcd');
				// --no-block: the first member's start would otherwise wait for the others' quorum.
				await ctx.run(`systemctl ${how === 'restart' ? 'restart' : 'start'} --no-block etcd`);
				await waitFor('etcd to answer on this member', async () =>
					(await ctx.run('ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 --command-timeout=3s endpoint health', {quiet: true, check: false})).code === 0,
					120_000,
				);
			},
		},
		{
			name: 'etcd cluster formed',
			async check(ctx) {
				if ((await ctx.run(etcdctl(answers, 'endpoint health'), {quiet: true, check: false})).code !== 0) return false;
				const result = await ctx.run(etcdctl(answers, 'member list -w simple'), {quiet: true, check: false});
				if (result.code !== 0) return false;
				const names = result.stdout.trim().split('\n').map(line => line.split(',')[2]?.trim()).filter(Boolean).sort();
				if (names.join() !== members.join())
					throw new Error(`etcd lists members ${names.join(', ')} but the answers name ${members.join(', ')}; pgha does not change etcd membership`);
				return true;
			},
			apply: async ctx =>
				waitFor('all etcd members to join', async () => (await ctx.run(etcdctl(answers, 'endpoint health'), {quiet: true, check: false})).code === 0, 120_000),
		},
	];
}

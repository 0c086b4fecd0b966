import type {Answers, HostAnswers} from '../source/answers/schema.js';
import type {HostFacts, Step, StepContext} from '../source/engine/step.js';
import {shQuote} from '../source/transport/quote.js';
import {packagesFor} from '../source/plan/packages.js';
import {fileStep} from './managed-file.js';
import {vipHolders} from './balancer.js';

const markerPath = '/etc/pgha/cluster';

/** True when something on the LAN answers at an address: a TCP reset counts as much as a connection. */
async function addressAnswers(ctx: StepContext, ip: string): Promise<boolean> {
	const probe = await ctx.run(`timeout 3 bash -c 'exec 3<>/dev/tcp/${ip}/22' 2>&1; echo "exit=$?"`, {quiet: true, check: false});
	return /exit=0|refused/i.test(probe.stdout);
}

/** Preflight: learns the host's facts and refuses, before any change, what pgha cannot safely install onto. */
export function preflightSteps(host: HostAnswers, answers: Answers): Step[] {
	const balancers = answers.hosts.filter(h => h.roles.includes('balancer'));
	const vipStep: Step[] =
		balancers[0]?.name === host.name
			? [
					{
						name: `VIP ${answers.network.vip} free or ours`,
						async check(ctx) {
							const vip = answers.network.vip;
							if ((await vipHolders(answers, ctx.connections)).length > 0) return true;
							if (await addressAnswers(ctx, vip))
								throw new Error(`the VIP ${vip} already answers on the network and no balancer of this cluster holds it; choose a free address for network.vip`);
							return true;
						},
						apply: async () => {},
					},
				]
			: [];
	return [
		...vipStep,
		{
			name: 'system facts',
			async check(ctx) {
				const script = [
					'. /etc/os-release; echo "os=$ID"; echo "version=$VERSION_ID"',
					'echo "arch=$(dpkg --print-architecture)"',
					'echo "uid=$(id -u)"',
					'echo "disk=$(df -Pm / | awk \'NR==2{print $4}\')"',
					'echo "clock=$(date +%s)"',
					`echo "iface=$(ip -o -4 addr show | awk -v ip=${shQuote(host.ip)} '{split($4,a,"/"); if (a[1]==ip) print $2}' | head -n1)"`,
				].join('; ');
				const out = (await ctx.run(script, {quiet: true})).stdout;
				const get = (key: string) => out.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1]?.trim() ?? '';
				const facts: HostFacts = {
					os: get('os'),
					version: get('version'),
					arch: get('arch'),
					interface: answers.network.interface ?? get('iface'),
					diskFreeMb: Number(get('disk')),
				};
				if (facts.os !== 'debian' || facts.version !== '12')
					throw new Error(`runs ${facts.os} ${facts.version}; pgha supports Debian 12 (bookworm) only`);
				if (!['amd64', 'arm64'].includes(facts.arch)) throw new Error(`is ${facts.arch}; pgha supports amd64 and arm64`);
				if (get('uid') !== '0') throw new Error('commands do not run as root; give the SSH user passwordless sudo or set ssh.sudoPassword');
				if (facts.diskFreeMb < 1024) throw new Error(`has ${facts.diskFreeMb} MB free on /; free at least 1 GB`);
				const skew = Math.abs(Number(get('clock')) - Math.round(Date.now() / 1000));
				if (skew > 60) throw new Error(`clock is ${skew} s off; set up NTP (systemd-timesyncd or chrony) so etcd and Patroni agree on time`);
				if (!get('iface')) throw new Error(`has no interface with address ${host.ip}; check hosts[].ip`);
				if (answers.network.interface && host.roles.includes('balancer')) {
					const has = await ctx.$({quiet: true, nothrow: true})`ip link show dev ${answers.network.interface}`;
					if (has.code !== 0) throw new Error(`has no interface ${answers.network.interface}; fix network.interface or leave it out to use ${get('iface')}`);
				}
				ctx.facts.set(host.name, facts);
				return true;
			},
			apply: async () => {},
		},
		{
			name: 'existing data',
			async check(ctx) {
				// Data this cluster did not create is never touched: installing over it could destroy someone's database.
				const script = `marker=$(cat ${markerPath} 2>/dev/null || true); echo "marker=$marker"
					for d in /var/lib/etcd/member /var/lib/etcd/default/member; do [ -d "$d" ] && echo "etcd=$d"; done
					for f in /data/patroni/PG_VERSION /var/lib/postgresql/*/main/PG_VERSION; do [ -f "$f" ] && echo "pg=$f"; done; true`;
				const out = (await ctx.run(script, {quiet: true})).stdout;
				const marker = out.match(/^marker=(.*)$/m)?.[1]?.trim() ?? '';
				const data = [...out.matchAll(/^(etcd|pg)=(.*)$/gm)].map(m => m[2]!);
				if (data.length > 0 && marker !== answers.cluster.name)
					throw new Error(
						`already holds data that does not belong to cluster "${answers.cluster.name}" (${data.join(', ')}${marker ? `, cluster "${marker}"` : ''}); ` +
							'pgha will not install over it: use a clean host, or move that data away yourself',
					);
				return true;
			},
			apply: async () => {},
		},
	];
}

/** Packages phase: the cluster marker, packages (with services held back while they install), and role basics. */
export function packageSteps(host: HostAnswers, answers: Answers): Step[] {
	const packages = packagesFor(host);
	const steps: Step[] = [
		fileStep({path: markerPath, owner: 'root', group: 'root', mode: 0o644, content: `${answers.cluster.name}\n`, secret: false}),
	];
	if (host.roles.includes('postgres'))
		// Debian's postgresql package would otherwise create and start a `main` cluster beside Patroni's.
		steps.push(fileStep({path: '/etc/postgresql-common/createcluster.conf', owner: 'root', group: 'root', mode: 0o644, secret: false, content: 'create_main_cluster = false\n'}));
	steps.push({
		name: `packages ${packages.join(' ')}`,
		async check(ctx) {
			const result = await ctx.run(`dpkg-query -W -f='\${Status}\\n' ${packages.join(' ')} 2>/dev/null`, {quiet: true, check: false});
			const lines = result.stdout.trim().split('\n');
			return lines.length === packages.length && lines.every(line => line === 'install ok installed');
		},
		async explain(ctx) {
			const result = await ctx.run(`for p in ${packages.join(' ')}; do dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"; done`, {quiet: true, check: false});
			return [`not installed: ${result.stdout.trim().split('\n').join(' ')}`];
		},
		async apply(ctx) {
			// policy-rc.d keeps etcd, PostgreSQL and the others from starting with Debian's defaults;
			// a member started that way keeps a stale data dir and never joins the cluster.
			await ctx.run(
				`set -e
				trap 'rm -f /usr/sbin/policy-rc.d' EXIT
				printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d
				export DEBIAN_FRONTEND=noninteractive
				# An install cut off earlier (a host lost power mid-dpkg) is finished first.
				dpkg --configure -a --force-confold
				# A stalled mirror or cache must fail and be retried, not hang the phase.
				opts='-o Acquire::http::Timeout=30 -o Acquire::Retries=3'
				for i in 1 2 3; do timeout 300 apt-get $opts update -q && break; sleep 3; done
				apt-get $opts install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold ${packages.join(' ')}`,
				{timeoutMs: 900_000},
			);
		},
	});
	if (host.roles.includes('balancer'))
		steps.push({
			name: 'user keepalived_script',
			check: async ctx => (await ctx.run('id -u keepalived_script', {quiet: true, check: false})).code === 0,
			apply: async ctx => void (await ctx.run('useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script')),
		});
	if (host.roles.includes('postgres') || host.roles.includes('backup')) steps.push(...sshIdentitySteps());
	return steps;
}

/** The postgres user's SSH key and the host's own key, gathered for the trust between repository and nodes. */
function sshIdentitySteps(): Step[] {
	return [
		{
			name: 'ssh key of postgres',
			check: async ctx => (await ctx.run('test -s /var/lib/postgresql/.ssh/id_ed25519.pub', {quiet: true, check: false})).code === 0,
			apply: async ctx =>
				void (await ctx.run(
					"install -d -o postgres -g postgres -m 700 /var/lib/postgresql/.ssh && runuser -u postgres -- ssh-keygen -q -t ed25519 -N '' -C postgres@$(hostname) -f /var/lib/postgresql/.ssh/id_ed25519",
				)),
		},
		{
			name: 'read ssh identity',
			async check(ctx: StepContext) {
				const out = (await ctx.run('cat /var/lib/postgresql/.ssh/id_ed25519.pub; cat /etc/ssh/ssh_host_ed25519_key.pub', {quiet: true})).stdout.trim().split('\n');
				ctx.shared.set(`userkey:${ctx.host.name}`, out[0]);
				ctx.shared.set(`hostkey:${ctx.host.name}`, out[1]?.split(' ').slice(0, 2).join(' '));
				return true;
			},
			apply: async () => {},
		},
	];
}

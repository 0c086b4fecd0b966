import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {hasRole, hostsWithRole} from '../../source/answers/hosts.js';
import {shQuote} from '../../source/transport/quote.js';
import {probeStep, type HostFacts, type Step, type StepContext} from '../kit/step.js';
import {locations, removedMark} from '../kit/locations.js';
import {peerRun} from '../kit/peer-run.js';
import {vipHolders} from '../keepalived/probes.js';
import {debsForRoles} from '../../source/bundle/manifest.js';
import {packagesIndexFor} from '../../source/bundle/packages-index.js';
import {packagesFor} from '../index.js';
import {bundleSimulationScript} from './apt-scripts.js';
import {installedPackages, wantedVersions} from './packages.js';

/**
 * True when something on the LAN answers at an address: a TCP reset counts as
 * much as a connection. A host that holds the address answers ARP and the SYN
 * within milliseconds; a free one never does, so the wait is short.
 */
async function addressAnswers(ctx: StepContext, ip: string): Promise<boolean> {
	const probe = await ctx.run(`timeout 1 bash -c 'exec 3<>/dev/tcp/${ip}/22' 2>&1; echo "exit=$?"`, {quiet: true, check: false});
	return /exit=0|refused/i.test(probe.stdout);
}

/** Preflight: learns the host's facts and refuses, before any change, what pgha cannot safely install onto. */
export function preflightSteps(host: HostAnswers, answers: Answers): Step[] {
	const balancers = hostsWithRole(answers, 'balancer');
	const vipStep: Step[] =
		balancers[0]?.name === host.name
			? [
					probeStep(`VIP ${answers.network.vip} free or ours`, async ctx => {
						const vip = answers.network.vip;
						if ((await vipHolders(answers, peerRun(ctx.connections))).length > 0) return true;
						if (await addressAnswers(ctx, vip))
							throw new Error(`the VIP ${vip} already answers on the network and no balancer of this cluster holds it; choose a free address for network.vip`);
						return true;
					}),
				]
			: [];
	return [
		...vipStep,
		probeStep('system facts', async ctx => {
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
			if (ctx.bundle && facts.arch !== ctx.bundle.manifest.arch)
				throw new Error(`is ${facts.arch}, but the bundle ${ctx.bundle.file} holds ${ctx.bundle.manifest.arch} packages; make one for it with pgha bundle create --arch ${facts.arch}`);
			if (get('uid') !== '0') throw new Error('commands do not run as root; give the SSH user passwordless sudo or set ssh.sudoPassword');
			if (facts.diskFreeMb < 1024) throw new Error(`has ${facts.diskFreeMb} MB free on /; free at least 1 GB`);
			const skew = Math.abs(Number(get('clock')) - Math.round(Date.now() / 1000));
			if (skew > 60) throw new Error(`clock is ${skew} s off; set up NTP (systemd-timesyncd or chrony) so etcd and Patroni agree on time`);
			if (!get('iface')) throw new Error(`has no interface with address ${host.ip}; check hosts[].ip`);
			if (answers.network.interface && hasRole(host, 'balancer')) {
				const has = await ctx.$({quiet: true, nothrow: true})`ip link show dev ${answers.network.interface}`;
				if (has.code !== 0) throw new Error(`has no interface ${answers.network.interface}; fix network.interface or leave it out to use ${get('iface')}`);
			}
			ctx.facts.set(host.name, facts);
			return true;
		}),
		...(host.roles.length > 0 ? [bundleFitsStep(host)] : []),
		probeStep('existing data', async ctx => {
			// Data this cluster did not create is never touched: installing over it could destroy someone's database.
			const script = `marker=$(cat ${locations.clusterMarker} 2>/dev/null || true); echo "marker=$marker"
				for d in ${locations.etcdDataDir}/member ${locations.etcdDataDir}/default/member; do [ -d "$d" ] && echo "etcd=$d"; done
				for f in ${locations.pgDataDir}/PG_VERSION ${locations.postgresHome}/*/main/PG_VERSION; do [ -f "$f" ] && echo "pg=$f"; done
				[ -f ${locations.repositoryOfWipedData} ] && echo "wiped=${locations.repositoryOfWipedData}"
				grep -qx ${removedMark} ${locations.clusterMarker} 2>/dev/null && echo "removed=yes"; true`;
			const out = (await ctx.run(script, {quiet: true})).stdout;
			const marker = out.match(/^marker=(.*)$/m)?.[1]?.trim() ?? '';
			const data = [...out.matchAll(/^(etcd|pg)=(.*)$/gm)].map(m => m[2]!);
			// Kept by `pgha uninstall` without --wipe-data, the marker names whose data it is: that cluster may start on it again.
			const wayOut = marker
				? `: \`pgha install --cluster ${marker}\` starts cluster "${marker}" on it again, \`pgha uninstall --cluster ${marker} --wipe-data\` deletes it, or move it away yourself`
				: ': use a clean host, or move that data away yourself';
			if (data.length > 0 && /^removed=yes$/m.test(out))
				throw new Error(
					`holds data from before \`pgha remove-node\` took it out of cluster "${marker}" (${data.join(', ')}); a member never joins again on its old data: empty ${[locations.pgDataDir, locations.etcdDataDir].join(' and ')} on it (nothing the cluster needs is there), then run again`,
				);
			if (data.length > 0 && marker !== answers.cluster.name)
				throw new Error(
					`already holds data that does not belong to cluster "${answers.cluster.name}" (${data.join(', ')}${marker ? `, cluster "${marker}"` : ''}); pgha will not install over it${wayOut}`,
				);
			if (/^wiped=/m.test(out) && hasRole(host, 'backup'))
				throw new Error(
					`keeps a pgBackRest repository whose database was wiped by an uninstall (${locations.repositoryOfWipedData}); a new database cannot archive into it: ` +
						`move ${locations.pgbackrestRepoPath} away yourself, or delete it with \`pgha uninstall --cluster ${marker || answers.cluster.name} --wipe-backups\``,
				);
			return true;
		}),
	];
}

/**
 * With a bundle: apt on the host, given only the bundle's index, agrees it
 * can install the host's packages at their versions beside what the host
 * already has (a newer library held back by hand, say, is named here, before
 * any change). Skipped when every package is in place already.
 */
function bundleFitsStep(host: HostAnswers): Step {
	return probeStep('apt simulates the install from the bundle', async ctx => {
		const bundle = ctx.bundle;
		if (!bundle) return true;
		const packages = packagesFor(host);
		const wanted = wantedVersions(packages, ctx.answers, bundle);
		const installed = await installedPackages(ctx, packages);
		if (packages.every(name => installed.get(name)?.installed && installed.get(name)?.version === wanted.get(name))) return true;
		const {debs} = debsForRoles(bundle.manifest, host.roles);
		const index = packagesIndexFor(bundle.packagesIndex, new Set(debs.map(deb => deb.file)));
		const result = await ctx.run(bundleSimulationScript(packages, wanted), {stdin: index, quiet: true, check: false});
		if (result.code !== 0)
			throw new Error(`cannot install its packages from the bundle ${bundle.file}: ${result.stdout.trim().split('\n').join('; ') || result.stderr.trim()}`);
		return true;
	});
}

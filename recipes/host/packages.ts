import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {hasRole} from '../../source/answers/hosts.js';
import type {Step} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import {locations} from '../kit/locations.js';
import {scriptUserStep} from '../keepalived/steps.js';
import {sshIdentitySteps} from '../pgbackrest/steps.js';
import {noMainCluster} from '../postgres/steps.js';
import {packagesFor} from '../index.js';

/** The step that installs a host's packages, with services held back while they install. */
export function packageInstallStep(packages: readonly string[]): Step {
	const list = packages.join(' ');
	return {
		name: `packages ${list}`,
		async check(ctx) {
			const result = await ctx.run(`dpkg-query -W -f='\${Status}\\n' ${list} 2>/dev/null`, {quiet: true, check: false});
			const lines = result.stdout.trim().split('\n');
			return lines.length === packages.length && lines.every(line => line === 'install ok installed');
		},
		async explain(ctx) {
			const result = await ctx.run(`for p in ${list}; do dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"; done`, {quiet: true, check: false});
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
				apt-get $opts install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold ${list}`,
				{timeoutMs: 900_000},
			);
		},
	};
}

/** Packages phase: the cluster marker, packages (with services held back while they install), and what each role needs before it is configured. */
export function packageSteps(host: HostAnswers, answers: Answers): Step[] {
	return [
		fileStep({path: locations.clusterMarker, owner: 'root', group: 'root', mode: 0o644, content: `${answers.cluster.name}\n`, secret: false}),
		...(hasRole(host, 'postgres') ? [fileStep(noMainCluster)] : []),
		packageInstallStep(packagesFor(host)),
		...(hasRole(host, 'balancer') ? [scriptUserStep] : []),
		...(hasRole(host, 'postgres') || hasRole(host, 'backup') ? sshIdentitySteps() : []),
	];
}

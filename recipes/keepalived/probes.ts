import type {Answers} from '../../source/answers/schema.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import type {HostRun} from '../kit/step.js';

/** True when this host holds the VIP on one of its interfaces. */
export async function holdsVip(run: HostRun, vip: string): Promise<boolean> {
	const out = await run('ip -o -4 addr show', {quiet: true, check: false});
	return out.stdout.split('\n').some(line => line.includes(` ${vip}/`));
}

/** The balancers that hold the VIP now, among those that answer; one when all is well. */
export async function vipHolders(answers: Answers, runOn: (host: string) => HostRun | undefined): Promise<string[]> {
	const balancers = hostsWithRole(answers, 'balancer').filter(b => runOn(b.name));
	const holds = await Promise.all(balancers.map(b => holdsVip(runOn(b.name)!, answers.network.vip)));
	return balancers.filter((_, i) => holds[i]).map(b => b.name);
}

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

/** Keepalived's own view of its VRRP instance: MASTER or not, and its priority with the HAProxy check's weight applied. */
export type VrrpState = {master: boolean; effectivePriority: number};

/**
 * Keepalived's state on a balancer, from the JSON it dumps on its JSON signal
 * (`keepalived --signum=JSON`) to /tmp/keepalived.json. Only the state and the
 * effective priority leave the host: the dump also holds the VRRP password.
 * Undefined when Keepalived is not running or its build has no JSON dump.
 */
export async function vrrpState(run: HostRun): Promise<VrrpState | undefined> {
	const script = [
		'pid=$(cat /run/keepalived.pid 2>/dev/null) || exit 3',
		'sig=$(keepalived --signum=JSON 2>/dev/null)',
		'case "$sig" in ""|*[!0-9]*) exit 3;; esac',
		'f=/tmp/keepalived.json',
		'rm -f "$f"',
		'kill "-$sig" "$pid" || exit 3',
		// The VRRP process writes the file a moment after the signal.
		'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -s "$f" ] && break; sleep 0.05; done',
		`grep -o '"state":[0-9]*\\|"effective_priority":[0-9]*' "$f"`,
		'code=$?',
		'rm -f "$f"',
		'exit $code',
	].join('\n');
	const result = await run(script, {quiet: true, check: false});
	if (result.code !== 0) return undefined;
	const field = (name: string) => result.stdout.match(new RegExp(`"${name}":(\\d+)`))?.[1];
	const state = field('state');
	const priority = field('effective_priority');
	if (state === undefined || priority === undefined) return undefined;
	// Keepalived's states: 0 init, 1 backup, 2 master, 3 fault.
	return {master: state === '2', effectivePriority: Number(priority)};
}

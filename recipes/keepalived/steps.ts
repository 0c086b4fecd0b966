import type {Answers} from '../../source/answers/schema.js';
import type {Step, StepContext} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import {keepalivedScriptUser} from '../kit/locations.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';
import {peerRun} from '../kit/peer-run.js';
import {waitFor} from '../kit/wait-for.js';
import {vipHolders, vrrpState, type VrrpState} from './probes.js';
import {vrrpPriorities} from './render.js';
import {haTiming} from '../../source/answers/ha-timing.js';

/** The unprivileged user Keepalived's check script runs as (made after the packages install). */
export const scriptUserStep: Step = {
	name: `user ${keepalivedScriptUser}`,
	check: async ctx => (await ctx.$({quiet: true, nothrow: true})`id -u ${keepalivedScriptUser}`).code === 0,
	apply: async ctx => void (await ctx.$`useradd --system --no-create-home --shell /usr/sbin/nologin ${keepalivedScriptUser}`),
};

/**
 * How long one holder must keep the VIP before it counts as settled when
 * Keepalived cannot tell (see `unrivalled`): the track script's rise and three
 * advertisements. Within that window a balancer that starts later, with
 * HAProxy ready and a higher priority, may still preempt the first one to
 * take it, and for a moment both or neither hold it.
 */
export function vipSettleMs(answers: Answers): number {
	const {interval, rise, advertInt} = haTiming(answers).keepalived;
	return (interval * rise + 3 * advertInt + 1) * 1000;
}

/**
 * True when no other balancer can take the VIP from `holder`: Keepalived on
 * the holder is MASTER with a priority above what any other balancer reaches
 * even with its HAProxy check's weight. That is the event the settle window
 * otherwise waits out: on an install, the first balancer's check rising.
 */
export function unrivalled(answers: Pick<Answers, 'hosts'>, holder: string, state: VrrpState | undefined): boolean {
	if (!state?.master) return false;
	const {priorities, weight} = vrrpPriorities(answers);
	return [...priorities].every(([name, base]) => name === holder || base + weight < state.effectivePriority);
}

/** Keepalived on a balancer, and the VIP held by exactly one of them. */
export function keepalivedSteps(answers: Answers, files: ManagedFile[]): Step[] {
	const holders = async (ctx: StepContext) => vipHolders(answers, peerRun(ctx.connections));
	const one = async (ctx: StepContext) => (await holders(ctx)).length === 1;
	// One holder that no other balancer can outrank, or, when Keepalived cannot say (a balancer ranked higher is
	// not ready yet, or no JSON dump), the same holder for the whole settle window; so the check that follows the
	// apply does not catch a preemption.
	const settled = (ctx: StepContext) => {
		let since: {holder: string; at: number} | undefined;
		return async () => {
			const now = await holders(ctx);
			const holder = now.length === 1 ? now[0]! : undefined;
			if (!holder) since = undefined;
			else if (since?.holder !== holder) since = {holder, at: Date.now()};
			if (!holder || !since) return false;
			if (Date.now() - since.at >= vipSettleMs(answers)) return true;
			const run = peerRun(ctx.connections)(holder);
			return run !== undefined && unrivalled(answers, holder, await vrrpState(run));
		};
	};
	return [
		...files.map(fileStep),
		serviceStep('keepalived'),
		{
			name: `VIP ${answers.network.vip} held by one balancer`,
			check: one,
			apply: ctx => waitFor('one balancer to hold the VIP, and keep it', settled(ctx), 60_000),
		},
	];
}

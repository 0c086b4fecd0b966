import type {Answers} from '../../source/answers/schema.js';
import type {Step, StepContext} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import {keepalivedScriptUser} from '../kit/locations.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {serviceStep} from '../kit/service-step.js';
import {peerRun} from '../kit/peer-run.js';
import {waitFor} from '../kit/wait-for.js';
import {vipHolders} from './probes.js';

/** The unprivileged user Keepalived's check script runs as (made after the packages install). */
export const scriptUserStep: Step = {
	name: `user ${keepalivedScriptUser}`,
	check: async ctx => (await ctx.$({quiet: true, nothrow: true})`id -u ${keepalivedScriptUser}`).code === 0,
	apply: async ctx => void (await ctx.$`useradd --system --no-create-home --shell /usr/sbin/nologin ${keepalivedScriptUser}`),
};

/** Keepalived on a balancer, and the VIP held by exactly one of them. */
export function keepalivedSteps(answers: Answers, files: ManagedFile[]): Step[] {
	const one = async (ctx: StepContext) => (await vipHolders(answers, peerRun(ctx.connections))).length === 1;
	return [
		...files.map(fileStep),
		serviceStep('keepalived'),
		{
			name: `VIP ${answers.network.vip} held by one balancer`,
			check: one,
			apply: ctx => waitFor('a balancer to take the VIP', () => one(ctx), 60_000),
		},
	];
}

import type {Step} from './step.js';
import {owed, paid, pendingPath} from './pending-change.js';
import {shQuote} from '../../source/transport/quote.js';

/**
 * Keeps a systemd unit enabled and running, and restarts or reloads it once
 * when one of its files changed, in this run or in one that stopped before
 * this step (kit/pending-change.ts), and only then.
 */
export function serviceStep(unit: string, options: {reloadCommand?: string} = {}): Step {
	return {
		name: `service ${unit}`,
		async check(ctx) {
			if (ctx.touched.has(unit)) return false;
			const result = await ctx.$({quiet: true, nothrow: true})`systemctl is-enabled --quiet ${unit} && systemctl is-active --quiet ${unit} && test ! -e ${pendingPath(unit)}`;
			return result.code === 0;
		},
		explain: async ctx => {
			const state = `${unit} is ${(await ctx.$({quiet: true, nothrow: true})`systemctl is-enabled ${unit}; systemctl is-active ${unit}`).stdout.trim().replace('\n', ', ')}`;
			const how = await owed(ctx, unit);
			return [how ? `${state}; a ${how} is owed: its files changed in an earlier run that stopped before it` : state];
		},
		async apply(ctx) {
			const how = await owed(ctx, unit);
			await ctx.$`systemctl daemon-reload && systemctl enable --quiet ${unit}`;
			const active = (await ctx.$({quiet: true, nothrow: true})`systemctl is-active --quiet ${unit}`).code === 0;
			if (!active) await ctx.$`systemctl start ${unit}`;
			else if (how === 'restart') await ctx.$`systemctl restart ${unit}`;
			else if (how === 'reload') await ctx.run(options.reloadCommand ?? `systemctl reload ${unit}`);
			await paid(ctx, unit);
		},
	};
}

/** Stops units and disables them at boot; a unit the host does not have is skipped. */
export function disableUnitsScript(units: readonly string[]): string {
	return `for unit in ${units.map(shQuote).join(' ')}; do if systemctl cat "$unit.service" >/dev/null 2>&1; then systemctl disable --now --quiet "$unit.service"; fi; done`;
}

import type {Step, StepContext} from '../kit/step.js';
import {locations} from '../kit/locations.js';

/** dpkg's fully installed packages on a host, one name a line, sorted (architecture qualifiers dropped). */
export const installedListScript = `dpkg-query -W -f='\${db:Status-Abbrev} \${Package}\\n' 2>/dev/null | awk '$1 == "ii" {print $2}' | sed 's/:.*//' | sort -u`;

/** The names in installedListScript's output. */
export function parsePackageList(text: string): string[] {
	return [...new Set(text.split('\n').map(line => line.trim()).filter(Boolean))].sort();
}

const exists = async (ctx: Pick<StepContext, 'run'>, path: string) => (await ctx.run(`test -e ${path}`, {quiet: true, check: false})).code === 0;

/**
 * Before pgha's first install on a host: which packages it already had, so an
 * uninstall purges only what pgha brought and keeps the rest. Written once
 * and never rewritten; a host installed by a pgha that kept no such record
 * (its cluster marker is there already) gets none: it cannot be known now.
 */
export const packagesBeforeStep: Step = {
	name: `record of what the host had before pgha (${locations.packagesBeforePgha})`,
	check: async ctx => (await exists(ctx, locations.packagesBeforePgha)) || (await exists(ctx, locations.clusterMarker)),
	async apply(ctx) {
		const list = parsePackageList((await ctx.run(installedListScript, {quiet: true})).stdout);
		await ctx.run(`install -d -m 755 ${locations.packagesBeforePgha.slice(0, locations.packagesBeforePgha.lastIndexOf('/'))}`, {quiet: true});
		await ctx.conn.writeFile(locations.packagesBeforePgha, list.map(name => `${name}\n`).join(''), 'root', 'root', 0o644);
	},
};

import {shQuote} from '../../source/transport/quote.js';
import type {HostRun} from './step.js';

/** A unit and the packages whose code it runs (ComponentService.runsFrom). */
export type UnitPackages = {unit: string; runsFrom?: readonly string[]};

/**
 * A script printing `UNIT PACKAGE` for each running unit that started before
 * one of its packages was last unpacked: dpkg writes a package's file list
 * anew on every unpack, so its time is when the new code arrived, and a unit
 * older than that still runs the old code. A unit that is not running is
 * left out: it starts on the new code.
 */
export function staleUnitsScript(units: readonly UnitPackages[]): string {
	const lines = units
		.flatMap(u => (u.runsFrom && u.runsFrom.length > 0 ? [`stale ${shQuote(u.unit)} ${u.runsFrom.map(shQuote).join(' ')}`] : []));
	return `stale() {
	unit=$1; shift
	systemctl is-active --quiet "$unit" || return 0
	since=$(systemctl show -p ActiveEnterTimestamp --value "$unit")
	[ -n "$since" ] || return 0
	started=$(date -d "$since" +%s) || return 0
	for pkg in "$@"; do
		for list in /var/lib/dpkg/info/"$pkg".list /var/lib/dpkg/info/"$pkg":*.list; do
			if [ -e "$list" ] && [ "$(stat -c %Y "$list")" -gt "$started" ]; then echo "$unit $pkg"; break; fi
		done
	done
}
${lines.join('\n')}
true`;
}

/** The script's output as unit -> the packages newer than it. Pure. */
export function parseStaleUnits(text: string): Map<string, string[]> {
	const stale = new Map<string, string[]>();
	for (const line of text.split('\n')) {
		const [unit, pkg] = line.trim().split(/\s+/);
		if (!unit || !pkg) continue;
		stale.set(unit, [...(stale.get(unit) ?? []), pkg]);
	}
	return stale;
}

/** The running units on a host that run older code than is installed, with the packages that are newer. */
export async function staleUnits(run: HostRun, units: readonly UnitPackages[]): Promise<Map<string, string[]>> {
	const result = await run(staleUnitsScript(units), {quiet: true, check: false});
	return parseStaleUnits(result.stdout);
}

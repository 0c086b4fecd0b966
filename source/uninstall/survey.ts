import type {HostConnection} from '../transport/ssh.js';
import {pendingUndoScript} from '../failover/faults.js';
import {installedListScript, parsePackageList} from '../../recipes/host/package-record.js';
import {locations} from '../../recipes/kit/locations.js';

/** What one host holds before an uninstall: what the plan needs to say what goes and what stays. */
export type HostSurvey = {
	/** The cluster the host's marker names ('' when none). */
	marker: string;
	/** dpkg's fully installed packages. */
	installed: string[];
	/** Packages removed with their configuration left (dpkg's rc). */
	configOnly: string[];
	/** The packages the host had before pgha's first install; undefined when it kept no record. */
	before?: string[];
	/** A failover drill's undo timer still armed on the host. */
	pendingDrill: string[];
};

/** One script that reads everything HostSurvey holds, each line tagged. Changes nothing. */
export const surveyScript = [
	`echo "marker=$(cat ${locations.clusterMarker} 2>/dev/null)"`,
	`if [ -f ${locations.packagesBeforePgha} ]; then echo record=yes; sed 's/^/before=/' ${locations.packagesBeforePgha}; fi`,
	`${installedListScript} | sed 's/^/installed=/'`,
	`dpkg-query -W -f='\${db:Status-Abbrev} \${Package}\\n' 2>/dev/null | awk '$1 == "rc" {print $2}' | sed 's/:.*//; s/^/config=/'`,
	`${pendingUndoScript} | sed 's/^/drill=/'`,
	'true',
].join('\n');

/** The survey script's output read back. Pure. */
export function parseSurvey(output: string): HostSurvey {
	const tagged = (tag: string) => parsePackageList(output.split('\n').flatMap(line => (line.startsWith(`${tag}=`) ? [line.slice(tag.length + 1)] : [])).join('\n'));
	const recorded = /^record=yes$/m.test(output);
	return {
		marker: /^marker=(.*)$/m.exec(output)?.[1]?.trim() ?? '',
		installed: tagged('installed'),
		configOnly: tagged('config'),
		...(recorded ? {before: tagged('before')} : {}),
		pendingDrill: tagged('drill'),
	};
}

/** Surveys every connected host at once. */
export async function surveyHosts(connections: Map<string, HostConnection>): Promise<Map<string, HostSurvey>> {
	const entries = await Promise.all([...connections].map(async ([name, conn]) => [name, parseSurvey((await conn.run(surveyScript, {check: false})).stdout)] as const));
	return new Map(entries);
}

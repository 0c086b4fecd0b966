import type {HostRun} from '../kit/step.js';
import {locations} from '../kit/locations.js';

/** One server line of HAProxy's stats: listener primary (5000) or replicas (5001), and its state (UP, DOWN, ...). */
export type HaproxyServer = {listener: string; server: string; status: string};

/** What HAProxy on a balancer reports of its servers, as CSV from its admin socket (root only; the stats page needs a password). */
export async function haproxyServers(run: HostRun): Promise<HaproxyServer[]> {
	const csv = await run(`echo 'show stat' | socat -t 2 stdio unix-connect:${locations.haproxySocket}`, {quiet: true, check: false});
	return csv.stdout
		.split('\n')
		.map(line => line.split(','))
		.filter(row => ['primary', 'replicas'].includes(row[0]!) && !['FRONTEND', 'BACKEND'].includes(row[1]!))
		.map(row => ({listener: row[0]!, server: row[1]!, status: row[17] ?? ''}));
}

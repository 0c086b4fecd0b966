import type {HostRun} from '../kit/step.js';
import {ports} from '../kit/locations.js';

/** One server line of HAProxy's stats: listener primary (5000) or replicas (5001), and its state (UP, DOWN, ...). */
export type HaproxyServer = {listener: string; server: string; status: string};

/** What HAProxy on a balancer reports of its servers, from the stats page's CSV. */
export async function haproxyServers(run: HostRun): Promise<HaproxyServer[]> {
	const csv = await run(`exec 3<>/dev/tcp/127.0.0.1/${ports.haproxyStats} && printf 'GET /;csv HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`, {quiet: true, check: false});
	return csv.stdout
		.split('\n')
		.map(line => line.split(','))
		.filter(row => ['primary', 'replicas'].includes(row[0]!) && !['FRONTEND', 'BACKEND'].includes(row[1]!))
		.map(row => ({listener: row[0]!, server: row[1]!, status: row[17] ?? ''}));
}

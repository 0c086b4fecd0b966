import {secretValues} from '../answers/secrets.js';
import {connectSome} from '../engine/connect.js';
import {redactValue, redactor} from '../engine/run-log.js';
import {judgeCluster} from '../health/judge.js';
import {observeCluster} from '../health/observe.js';
import {formatStatus} from '../health/format.js';
import {drillSummary} from '../failover/report.js';
import {latestDrills} from '../failover/store.js';
import type {Command} from './context.js';
import {resolveCluster} from './resolve-cluster.js';

/** `pgha status [--cluster NAME] [--json]`: members, etcd, VIP holder, HAProxy backends, backups, the package source and pins, the latest drills, and what the health model finds wrong. */
export const status: Command = async (_args, flags, io) => {
	const {answers} = await resolveCluster(flags, io);
	const {connections, unreachable} = await connectSome(answers, answers.hosts, io.connect, io.env);
	try {
		// What the hosts report is printed, so it is redacted like a run's log.
		const redact = redactor(secretValues(answers));
		const observed = await observeCluster(answers, connections, unreachable);
		const state = redactValue(observed, redact);
		const health = redactValue(judgeCluster(answers, observed), redact);
		// The latest drill of each kind, as this machine recorded it.
		const drills = latestDrills(answers.cluster.name, io.env);
		const {source, bundle, versions = {}} = answers.packages;
		const packages = {source, ...(bundle ? {bundle} : {}), pinned: versions};
		const pins = Object.keys(versions).length;
		const packagesLine = `packages: ${source === 'bundle' ? `from the bundle ${bundle}` : 'from the Debian archives the hosts reach'}; ${pins > 0 ? `${pins} versions pinned (repair --check names a package off its pin)` : 'no versions pinned yet'}`;
		if (flags.json) io.out(JSON.stringify({...state, health, drills, packages}, null, 2));
		else
			io.out(
				[formatStatus(state, health), packagesLine, ...(drills.length > 0 ? ['drills:', ...drills.map(d => `  ${drillSummary(d)}`)] : ['drills: none yet (`pgha drill failover` measures failover on this cluster)'])].join('\n'),
			);
		return 0;
	} finally {
		for (const conn of connections.values()) conn.close();
	}
};

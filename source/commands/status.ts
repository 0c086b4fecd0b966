import {connectSome} from '../engine/connect.js';
import {gatherStatus} from '../status/gather.js';
import {formatStatus} from '../status/format.js';
import type {Command} from './context.js';
import {resolveCluster} from './resolve-cluster.js';

/** `pgha status [--cluster NAME] [--json]`: members, etcd, VIP holder, HAProxy backends, backups. */
export const status: Command = async (_args, flags, io) => {
	const {answers} = await resolveCluster(flags, io);
	const {connections, unreachable} = await connectSome(answers);
	try {
		const state = await gatherStatus(answers, connections, unreachable);
		io.out(flags.json ? JSON.stringify(state, null, 2) : formatStatus(state));
		return 0;
	} finally {
		for (const conn of connections.values()) conn.close();
	}
};

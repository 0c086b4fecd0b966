import {verifyOnly} from '../engine/install.js';
import type {Command} from './context.js';
import {plainProgress} from './plain-progress.js';
import {resolveCluster} from './resolve-cluster.js';

/** `pgha verify [--cluster NAME]`: proves the cluster works end to end; exit 1 if any check fails. */
export const verify: Command = async (_args, flags, io) => {
	const {answers} = await resolveCluster(flags, io);
	const ok = await verifyOnly(answers, plainProgress(io), io.connect, io.env);
	io.out(ok ? `pgha: cluster "${answers.cluster.name}" verified` : `pgha: cluster "${answers.cluster.name}" has failing checks`);
	return ok ? 0 : 1;
};

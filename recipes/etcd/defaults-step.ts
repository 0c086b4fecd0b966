import {fileStep} from '../kit/file-step.js';
import type {ManagedFile} from '../kit/managed-file.js';
import type {Step} from '../kit/step.js';

// Read by etcd only when a member first starts with an empty data directory.
const bootstrapOnly = /^ETCD_INITIAL_CLUSTER=/;

/**
 * True when two versions of /etc/default/etcd differ only in the initial
 * member list: a member that already holds data ignores it, so the change
 * (a member that left) needs no restart. Pure.
 */
export function onlyBootstrapListChanged(live: string | undefined, wanted: string): boolean {
	if (live === undefined || live === wanted) return false;
	const rest = (text: string) => text.split('\n').filter(line => !bootstrapOnly.test(line));
	return rest(live).join('\n') === rest(wanted).join('\n');
}

/**
 * /etc/default/etcd kept as rendered, restarting etcd after a change unless
 * only the initial member list changed: a member leaving the cluster must not
 * restart every other member at once (for a moment no quorum).
 */
export function etcdDefaultsStep(file: ManagedFile): Step {
	const plain = fileStep(file);
	return {
		...plain,
		async apply(ctx) {
			const live = await ctx.conn.readFile(file.path);
			if (!onlyBootstrapListChanged(live, file.content)) return plain.apply(ctx);
			await ctx.conn.writeFile(file.path, file.content, file.owner, file.group, file.mode);
		},
	};
}

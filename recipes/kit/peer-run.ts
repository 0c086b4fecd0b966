import type {HostConnection} from '../../source/transport/ssh.js';
import type {HostRun} from './step.js';

/**
 * How to run a read-only command on any connected host of a run: a failed
 * command resolves (probes judge its exit code); a host not connected gives undefined.
 */
export function peerRun(connections: ReadonlyMap<string, HostConnection>): (host: string) => HostRun | undefined {
	return host => {
		const conn = connections.get(host);
		return conn ? (script, options = {}) => conn.run(script, {check: false, ...options}) : undefined;
	};
}

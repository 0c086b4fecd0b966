import type {HostAnswers} from '../../source/answers/schema.js';
import type {Connector} from '../../source/engine/connect.js';

/** A connector that records the key it was told to expect for each host, then refuses: no unit test reaches a host. */
export function recordingConnector() {
	const expected = new Map<string, string | undefined>();
	const connect: Connector = async (host: HostAnswers, _ssh, key) => {
		expected.set(host.name, key);
		throw new Error(`${host.name}: no network in unit tests`);
	};
	return {connect, expected};
}

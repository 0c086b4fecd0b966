import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {hostsWithRole} from '../../source/answers/hosts.js';

/**
 * /etc/default/etcd for one member: Debian's etcd.service reads it as its
 * environment. Static bootstrap of all members at once (state "new"); a member
 * that already holds data ignores the INITIAL_* values.
 */
export function renderEtcd(answers: Answers, host: HostAnswers): ManagedFile {
	const members = hostsWithRole(answers, 'etcd');
	const variables: Array<[string, string]> = [
		['ETCD_NAME', host.name],
		['ETCD_DATA_DIR', locations.etcdDataDir],
		['ETCD_LISTEN_PEER_URLS', `http://${host.ip}:${ports.etcdPeer}`],
		['ETCD_LISTEN_CLIENT_URLS', `http://${host.ip}:${ports.etcdClient},http://127.0.0.1:${ports.etcdClient}`],
		['ETCD_INITIAL_ADVERTISE_PEER_URLS', `http://${host.ip}:${ports.etcdPeer}`],
		['ETCD_ADVERTISE_CLIENT_URLS', `http://${host.ip}:${ports.etcdClient}`],
		['ETCD_INITIAL_CLUSTER', members.map(m => `${m.name}=http://${m.ip}:${ports.etcdPeer}`).join(',')],
		['ETCD_INITIAL_CLUSTER_STATE', 'new'],
		['ETCD_INITIAL_CLUSTER_TOKEN', `pgha-${answers.cluster.name}`],
	];
	// Every value is a host name, an address or the cluster name, which the
	// schema limits to characters that need no quoting in an environment file.
	const lines = variables.map(([key, value]) => `${key}="${value}"`);
	return {
		path: locations.etcdDefaults,
		owner: 'root',
		group: 'root',
		mode: 0o644,
		content: `# Managed by pgha: etcd member ${host.name} of cluster ${answers.cluster.name}\n${lines.join('\n')}\n`,
		secret: false,
		service: 'etcd',
		onChange: 'restart',
	};
}

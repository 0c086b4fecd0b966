import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import type {ManagedFile} from '../kit/managed-file.js';
import {locations, ports} from '../kit/locations.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import {etcdEndpoint, etcdTls} from './probes.js';

/**
 * /etc/default/etcd for one member: Debian's etcd.service reads it as its
 * environment. Static bootstrap of all members at once (state "new"); a member
 * that already holds data ignores the INITIAL_* values.
 */
export function renderEtcd(answers: Answers, host: HostAnswers): ManagedFile {
	const members = hostsWithRole(answers, 'etcd');
	const peerUrl = (ip: string) => `https://${ip}:${ports.etcdPeer}`;
	const variables: Array<[string, string]> = [
		['ETCD_NAME', host.name],
		['ETCD_DATA_DIR', locations.etcdDataDir],
		['ETCD_LISTEN_PEER_URLS', peerUrl(host.ip)],
		// Only the host's address: a certificate names it, not 127.0.0.1.
		['ETCD_LISTEN_CLIENT_URLS', etcdEndpoint(host.ip)],
		['ETCD_INITIAL_ADVERTISE_PEER_URLS', peerUrl(host.ip)],
		['ETCD_ADVERTISE_CLIENT_URLS', etcdEndpoint(host.ip)],
		['ETCD_INITIAL_CLUSTER', members.map(m => `${m.name}=${peerUrl(m.ip)}`).join(',')],
		['ETCD_INITIAL_CLUSTER_STATE', 'new'],
		['ETCD_INITIAL_CLUSTER_TOKEN', `pgha-${answers.cluster.name}`],
		// Clients and peers both need a certificate from the cluster CA: nothing else reads or writes Patroni's DCS.
		['ETCD_CERT_FILE', etcdTls.cert],
		['ETCD_KEY_FILE', etcdTls.key],
		['ETCD_TRUSTED_CA_FILE', etcdTls.ca],
		['ETCD_CLIENT_CERT_AUTH', 'true'],
		['ETCD_PEER_CERT_FILE', etcdTls.cert],
		['ETCD_PEER_KEY_FILE', etcdTls.key],
		['ETCD_PEER_TRUSTED_CA_FILE', etcdTls.ca],
		['ETCD_PEER_CLIENT_CERT_AUTH', 'true'],
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

/** /etc/profile.d/pgha-etcd.sh: a root shell's `etcdctl endpoint health` reaches the cluster with its certificate, no flags. */
export function renderEtcdProfile(answers: Answers): ManagedFile {
	const endpoints = hostsWithRole(answers, 'etcd').map(h => etcdEndpoint(h.ip)).join(',');
	const content = [
		`# Managed by pgha: etcdctl reaches cluster ${answers.cluster.name} with this host's certificate`,
		'export ETCDCTL_API=3',
		`export ETCDCTL_ENDPOINTS=${endpoints}`,
		`export ETCDCTL_CACERT=${etcdTls.ca}`,
		`export ETCDCTL_CERT=${etcdTls.cert}`,
		`export ETCDCTL_KEY=${etcdTls.key}`,
		'',
	].join('\n');
	return {path: locations.etcdProfile, owner: 'root', group: 'root', mode: 0o644, content, secret: false, onChange: 'none'};
}

import type {Answers} from '../../source/answers/schema.js';
import {hostsWithRole} from '../../source/answers/hosts.js';
import type {HostRun} from '../kit/step.js';
import {locations, ports} from '../kit/locations.js';
import {tlsPaths} from '../kit/tls-files.js';

/** The client URL of an etcd member. */
export const etcdEndpoint = (ip: string) => `https://${ip}:${ports.etcdClient}`;

/** Where an etcd host keeps the CA, its certificate and key (etcd's and etcdctl's). */
export const etcdTls = tlsPaths(locations.etcdTlsDir, 'etcd');

/** etcdctl's client certificate flags: etcd admits no client without one. */
export const etcdctlTlsFlags = `--cacert=${etcdTls.ca} --cert=${etcdTls.cert} --key=${etcdTls.key}`;

/** etcdctl against every member, v3 API, run on an etcd host. */
export function etcdctl(answers: Answers, command: string): string {
	const endpoints = hostsWithRole(answers, 'etcd').map(h => etcdEndpoint(h.ip)).join(',');
	return `ETCDCTL_API=3 etcdctl --endpoints=${endpoints} ${etcdctlTlsFlags} --command-timeout=5s ${command}`;
}

/** etcdctl against this host's own member only. */
export const localEtcdctl = (ip: string, command: string) => `ETCDCTL_API=3 etcdctl --endpoints=${etcdEndpoint(ip)} ${etcdctlTlsFlags} --command-timeout=3s ${command}`;

/** One member as etcd reports it: healthy or not, the leader or not. */
export type EtcdMember = {endpoint: string; healthy: boolean; leader: boolean; dbSizeBytes?: number; error?: string};

function parseJson<T>(text: string): T | undefined {
	try {
		return JSON.parse(text) as T;
	} catch {
		return undefined;
	}
}

/** Every member of the answers as `endpoint health` and `endpoint status` report it, in answer order. */
export async function etcdMembers(run: HostRun, answers: Answers): Promise<EtcdMember[]> {
	const [health, state] = await Promise.all([
		run(etcdctl(answers, 'endpoint health -w json'), {quiet: true, check: false}),
		run(etcdctl(answers, 'endpoint status -w json'), {quiet: true, check: false}),
	]);
	const healthList = parseJson<Array<{endpoint: string; health: boolean; error?: string}>>(health.stdout) ?? [];
	const statusList = parseJson<Array<{Endpoint: string; Status: {header: {member_id: number}; leader: number; dbSize: number}}>>(state.stdout) ?? [];
	return hostsWithRole(answers, 'etcd').map(h => {
		const endpoint = etcdEndpoint(h.ip);
		const healthy = healthList.find(e => e.endpoint === endpoint);
		const st = statusList.find(e => e.Endpoint === endpoint);
		return {
			endpoint,
			healthy: healthy?.health === true,
			leader: st !== undefined && st.Status.header.member_id === st.Status.leader,
			...(st ? {dbSizeBytes: st.Status.dbSize} : {}),
			...(healthy?.error ? {error: healthy.error} : {}),
		};
	});
}

/** The member names etcd lists, sorted; undefined when etcd does not answer. */
export async function etcdMemberNames(run: HostRun, answers: Answers): Promise<string[] | undefined> {
	const result = await run(etcdctl(answers, 'member list -w simple'), {quiet: true, check: false});
	if (result.code !== 0) return undefined;
	return result.stdout.trim().split('\n').map(line => line.split(',')[2]?.trim() ?? '').filter(Boolean).sort();
}

/**
 * The cluster version a member reports on /version ("3.4.0"). A cluster just
 * formed says "3.0.0" for a few seconds, until its leader has heard every
 * member's version; Patroni started then takes etcd for one without watches,
 * fails on its old API and waits five seconds before it tries again.
 * Undefined when the host cannot say (no openssl, the member down).
 */
export async function etcdClusterVersion(run: HostRun, ip: string): Promise<string | undefined> {
	const result = await run(etcdVersionScript(ip), {quiet: true, check: false});
	if (result.code !== 0) return undefined;
	return parseJson<{etcdcluster?: string}>(result.stdout.trim())?.etcdcluster;
}

/** GET /version of the member at `ip`, its JSON body on the last line: etcd answers only over TLS with a client certificate, and etcdctl has no call for it. */
export function etcdVersionScript(ip: string): string {
	const request = `GET /version HTTP/1.0\\r\\nHost: ${ip}\\r\\n\\r\\n`;
	return `command -v openssl >/dev/null || exit 3; printf '${request}' | timeout 5 openssl s_client -quiet -verify_quiet -connect ${ip}:${ports.etcdClient} -CAfile ${etcdTls.ca} -cert ${etcdTls.cert} -key ${etcdTls.key} 2>/dev/null | tail -n 1`;
}

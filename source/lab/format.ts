import type {Role} from '../answers/schema.js';

/** One host as `lab status` reports it. */
export type LabHostStatus = {
	name: string;
	ip: string;
	roles: Role[];
	pid?: number;
	/** Its systemd-nspawn process is alive (and is the one the lab started). */
	alive: boolean;
	/** It accepted the lab key and ran a command. */
	ssh: boolean;
	added: boolean;
};

/** The whole lab as `lab status` reports it. */
export type LabStatus =
	| {exists: false}
	| {
			exists: true;
			topology: string;
			phase: 'starting' | 'running';
			startedAt: string;
			subnet: string;
			bridgeIp: string;
			vip: string;
			keyFile: string;
			securityProxied: boolean;
			packageCache: {address: string; pid?: number; alive: boolean};
			/** Where the hosts' packages come from: the lab's bundle (no package source on the hosts) or the package cache. */
			packages: {source: 'bundle'; bundle: string} | {source: 'mirror'};
			hosts: LabHostStatus[];
	  };

/** Seconds with one decimal, as progress lines show them. */
export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** `lab status` as lines for a terminal. */
export function formatStatus(status: LabStatus): string[] {
	if (!status.exists) return ['lab: no lab is set up (pgha lab up starts one)'];
	const up = status.hosts.filter(h => h.alive && h.ssh).length;
	const lines = [
		`lab: ${status.topology} topology, ${up} of ${status.hosts.length} hosts up${status.phase === 'starting' ? ' (lab up did not finish)' : ''}`,
		`  subnet ${status.subnet}, VIP ${status.vip}, ${status.packages.source === 'bundle' ? `packages from the bundle ${status.packages.bundle} (hosts have no package source)` : `package cache ${status.packageCache.address} ${status.packageCache.alive ? 'up' : 'DOWN'}`}, key ${status.keyFile}`,
	];
	const width = Math.max(4, ...status.hosts.map(h => h.name.length));
	for (const host of status.hosts) {
		const roles = host.roles.length > 0 ? host.roles.join(',') : host.added ? '(added, no role)' : '-';
		const power = host.alive ? `running (pid ${host.pid})` : 'off';
		lines.push(`  ${host.name.padEnd(width)}  ${host.ip.padEnd(12)}  ${roles.padEnd(24)}  ${power.padEnd(20)}  ssh ${host.ssh ? 'ok' : 'no answer'}`);
	}
	return lines;
}

import type {Answers} from '../answers/schema.js';
import type {ClusterKeys} from '../keys/cluster-keys.js';
import {hostFiles} from '../../recipes/index.js';

/** One file a change rewrites on a host, and what the service that reads it then needs. */
export type FileChange = {host: string; path: string; service?: string; onChange: 'reload' | 'restart' | 'none'};

/** The cluster as rendered from one set of answers and key material. */
export type Rendering = {answers: Answers; keys: ClusterKeys};

/**
 * The files whose text differs between two renderings of the same cluster
 * (a rotated password, reissued certificates), each with what its service
 * needs afterwards. The hosts are the first rendering's. Pure: it is the
 * plan of a change, read off the same renderers the run applies.
 */
export function fileChanges(before: Rendering, after: Rendering): FileChange[] {
	const changes: FileChange[] = [];
	for (const host of before.answers.hosts) {
		const iface = before.answers.network.interface ?? 'eth0';
		const old = new Map(hostFiles(before.answers, host.name, {interface: iface, keys: before.keys}).map(f => [f.path, f.content]));
		for (const file of hostFiles(after.answers, host.name, {interface: iface, keys: after.keys}))
			if (old.get(file.path) !== file.content) changes.push({host: host.name, path: file.path, service: file.service, onChange: file.service ? (file.onChange ?? 'none') : 'none'});
	}
	return changes;
}

/** What each service needs after the changes, grouped by service and action: on a host, a restart where any of its files asks for one, else a reload. */
export function serviceActions(changes: FileChange[]): Array<{service: string; how: 'reload' | 'restart'; hosts: string[]}> {
	const perHost = new Map<string, {service: string; host: string; how: 'reload' | 'restart'}>();
	for (const change of changes) {
		if (!change.service || change.onChange === 'none') continue;
		const key = `${change.host}\0${change.service}`;
		const how = change.onChange === 'restart' || perHost.get(key)?.how === 'restart' ? 'restart' : 'reload';
		perHost.set(key, {service: change.service, host: change.host, how});
	}
	const grouped = new Map<string, {service: string; how: 'reload' | 'restart'; hosts: string[]}>();
	for (const {service, host, how} of perHost.values()) {
		const key = `${service}\0${how}`;
		if (!grouped.has(key)) grouped.set(key, {service, how, hosts: []});
		grouped.get(key)!.hosts.push(host);
	}
	return [...grouped.values()];
}

import {pathToFileURL} from 'node:url';
import {labDown, labUp, type TopologyName} from '../source/lab/lab.js';
import {isTopologyName} from '../source/lab/topology.js';
import type {Figure} from './figures.js';

/** Wall times of the lab, in milliseconds. */
export type LabBench = {topology: TopologyName; hosts: number; coldUpMs: number; baseImageMs: number; warmUpMs: number; downMs: number};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Times `lab up` with no base image (after `lab down --purge`: debootstrap
 * included) and with the cached one, then `lab down`. Needs root and no lab
 * running (bench/run.ts checks).
 */
export async function benchLab(topology: TopologyName = 'seed', print: (line: string) => void = console.log): Promise<LabBench> {
	const log = (line: string) => print(`  ${line}`);
	await labDown({purge: true, log});

	const cold = await labUp({topology, log});
	const hosts = cold.status.exists ? cold.status.hosts.length : 0;
	await labDown({log});

	const warm = await labUp({topology, log});
	const down = await labDown({log});

	const result: LabBench = {
		topology,
		hosts,
		coldUpMs: cold.ms,
		baseImageMs: cold.timings['base image'] ?? 0,
		warmUpMs: warm.ms,
		downMs: down.ms,
	};
	print(`lab up ${topology} (${hosts} hosts), cold base image: ${secs(result.coldUpMs)} (base image build ${secs(result.baseImageMs)})`);
	print(`lab up ${topology} (${hosts} hosts), warm base image: ${secs(result.warmUpMs)}`);
	print(`lab down: ${secs(result.downMs)}`);
	return result;
}

/** The lab's figures for the bench table. */
export function labFigures(result: LabBench): Figure[] {
	return [
		{name: `lab up ${result.topology}, cold base image`, value: result.coldUpMs / 1000, unit: 's'},
		{name: `lab up ${result.topology}, warm base image`, value: result.warmUpMs / 1000, unit: 's'},
		{name: 'lab down', value: result.downMs / 1000, unit: 's'},
	];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const asked = process.argv[2] ?? 'seed';
	if (!isTopologyName(asked)) throw new Error(`unknown topology ${asked}`);
	await benchLab(asked);
}

import type {EngineEvent} from '../source/app/events.js';
import type {Role} from '../source/answers/schema.js';
import {seedLayout} from '../source/answers/layouts.js';
import {packagesFor} from '../recipes/index.js';

/** A host of a sample run. */
export type SampleHost = {name: string; roles: string[]};

/** The seed's nine hosts, for samples and benchmarks. */
export const seedSampleHosts: SampleHost[] = [...seedLayout];

// Lines shaped like apt-get's, so widths and rates look like a real install.
function aptLines(roles: string[], random: () => number): string[] {
	const names = packagesFor({roles: roles as Role[]});
	const lines = ['Reading package lists...', 'Building dependency tree...', 'Reading state information...'];
	lines.push(`The following NEW packages will be installed:`, `  ${names.join(' ')} libpq5 ssl-cert`);
	lines.push(`0 upgraded, ${names.length + 12} newly installed, 0 to remove and 0 not upgraded.`);
	for (const name of [...names, 'libpq5', 'ssl-cert', 'libllvm14', 'libxslt1.1']) {
		const size = Math.floor(random() * 9000 + 40);
		lines.push(`Get:${lines.length} http://deb.debian.org/debian bookworm/main amd64 ${name} amd64 ${Math.floor(random() * 20)}.${Math.floor(random() * 10)}-1 [${size} kB]`);
	}
	for (const name of [...names, 'libpq5', 'ssl-cert']) {
		lines.push(`Selecting previously unselected package ${name}.`);
		lines.push(`Preparing to unpack .../${name}_amd64.deb ...`);
		lines.push(`Unpacking ${name} (${Math.floor(random() * 20)}.${Math.floor(random() * 10)}-1) ...`);
	}
	for (const name of names) lines.push(`Setting up ${name} ...`);
	lines.push('Processing triggers for libc-bin (2.36-9+deb12u7) ...');
	return lines;
}

/**
 * A steady stream for measuring the screen: every host in one long phase,
 * each printing `linesPerSecond` lines and starting a new step every ~2 s,
 * for `durationMs`.
 */
export function streamingSample(options: {hosts?: SampleHost[]; durationMs: number; linesPerSecond: number; start: number; seed?: number}): EngineEvent[] {
	const hosts = options.hosts ?? seedSampleHosts;
	const random = seeded(options.seed ?? 11);
	const events: EngineEvent[] = [
		{type: 'run-started', cluster: 'produccion', hosts, phases: ['packages'], logFile: '/tmp/pgha-bench.log', at: options.start},
		{type: 'phase-started', phase: 'packages', hosts: hosts.map(h => h.name), at: options.start},
	];
	const timeline: EngineEvent[] = [];
	const gap = 1000 / options.linesPerSecond;
	for (const host of hosts) {
		const lines = aptLines(['postgres', 'etcd', 'balancer', 'backup'], random);
		let t = options.start + random() * gap;
		let stepNumber = 0;
		let stepEnds = t;
		let lineIndex = 0;
		while (t < options.start + options.durationMs) {
			if (t >= stepEnds) {
				if (stepNumber > 0) timeline.push({type: 'step-finished', host: host.name, phase: 'packages', step: `step ${stepNumber}`, changed: true, at: Math.floor(t)});
				stepNumber++;
				timeline.push({type: 'step-started', host: host.name, phase: 'packages', step: `step ${stepNumber}`, at: Math.floor(t)});
				stepEnds = t + 1500 + random() * 1000;
			}
			timeline.push({type: 'output', host: host.name, stream: 'stdout', line: lines[lineIndex++ % lines.length]!, at: Math.floor(t)});
			t += gap * (0.5 + random());
		}
	}
	timeline.sort((a, b) => a.at - b.at);
	events.push(...timeline);
	const end = options.start + options.durationMs;
	events.push({type: 'phase-finished', phase: 'packages', ok: true, at: end});
	events.push({type: 'run-finished', ok: true, changed: 0, unchanged: 0, logFile: '/tmp/pgha-bench.log', at: end});
	return events;
}

// mulberry32: small, fast, and the same sequence on every machine.
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

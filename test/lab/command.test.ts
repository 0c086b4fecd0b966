import {describe, expect, it} from 'vitest';
import {main} from '../../source/commands/main.js';
import type {Flags, Io} from '../../source/commands/context.js';
import {formatStatus} from '../../source/lab/format.js';

const flags: Flags = {yes: false, dryRun: false, json: false, check: false, debug: false, topology: 'seed', purge: false};

function capture(): Io & {lines: string[]; errors: string[]} {
	const lines: string[] = [];
	const errors: string[] = [];
	return {lines, errors, out: t => lines.push(t), err: t => errors.push(t), interactive: false, env: {}};
}

describe('pgha lab', () => {
	it('needs a subcommand (exit 2)', async () => {
		const io = capture();
		expect(await main(['lab'], flags, io)).toBe(2);
		expect(io.errors.join('\n')).toMatch(/lab needs a subcommand: pgha lab up/);
	});

	it('refuses an unknown subcommand (exit 2)', async () => {
		const io = capture();
		expect(await main(['lab', 'explode'], flags, io)).toBe(2);
		expect(io.errors.join('\n')).toMatch(/unknown lab subcommand "explode"/);
		expect(io.errors.join('\n')).toContain('replace NAME');
	});

	it('refuses an unknown topology before touching anything (exit 2)', async () => {
		const io = capture();
		expect(await main(['lab', 'up'], {...flags, topology: 'huge'}, io)).toBe(2);
		expect(io.errors.join('\n')).toMatch(/--topology must be seed, compact or large, not "huge"/);
	});

	it('asks for the host name of add, stop, crash, start and replace (exit 2)', async () => {
		for (const verb of ['add', 'stop', 'crash', 'start', 'replace']) {
			const io = capture();
			expect(await main(['lab', verb], flags, io)).toBe(2);
			expect(io.errors.join('\n')).toContain(`pgha lab ${verb} NAME`);
		}
	});
});

describe('lab status text', () => {
	it('says when there is no lab', () => {
		expect(formatStatus({exists: false})).toEqual(['lab: no lab is set up (pgha lab up starts one)']);
	});

	it('lists each host with its address, roles, power and SSH', () => {
		const lines = formatStatus({
			exists: true,
			topology: 'compact',
			phase: 'running',
			startedAt: '',
			subnet: '10.131.0.0/24',
			bridgeIp: '10.131.0.254',
			vip: '10.131.0.56',
			keyFile: '/k',
			securityProxied: true,
			packageCache: {address: '10.131.0.254:3142', pid: 10, alive: true},
			packages: {source: 'mirror'},
			hosts: [
				{name: 'node1', ip: '10.131.0.11', roles: ['postgres', 'etcd'], pid: 20, alive: true, ssh: true, added: false},
				{name: 'extra', ip: '10.131.0.1', roles: [], alive: false, ssh: false, added: true},
			],
		});
		expect(lines[0]).toBe('lab: compact topology, 1 of 2 hosts up');
		expect(lines[2]).toMatch(/^ {2}node1 +10\.131\.0\.11 +postgres,etcd +running \(pid 20\) +ssh ok$/);
		expect(lines[3]).toMatch(/^ {2}extra +10\.131\.0\.1 +\(added, no role\) +off +ssh no answer$/);
	});
});

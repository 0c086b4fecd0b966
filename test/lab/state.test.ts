import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parseLabState, readStateFile, writeStateFile, type LabState} from '../../source/lab/state.js';

const state: LabState = {
	version: 1,
	topology: 'compact',
	phase: 'running',
	startedAt: '2025-01-01T00:00:00.000Z',
	baseImage: '/var/cache/pgha/base-bookworm',
	keyFile: '/var/lib/pgha/lab/ssh/id_ed25519',
	mirrors: {debian: 'http://deb.debian.org/debian/', security: 'http://deb.debian.org/debian-security/'},
	securityProxied: true,
	packageCache: {pid: 1234},
	packageSource: 'mirror',
	hosts: [
		{name: 'node1', ip: '10.131.0.11', roles: ['postgres', 'etcd', 'balancer'], pid: 2000, added: false},
		{name: 'extra', ip: '10.131.0.1', roles: [], added: true},
	],
};

describe('lab state file', () => {
	let dir: string | undefined;
	afterEach(async () => {
		if (dir) await rm(dir, {recursive: true, force: true});
	});

	it('round-trips through the file, readable by root only', async () => {
		dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
		const file = join(dir, 'lab', 'state.json');
		await writeStateFile(file, state);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect(await readStateFile(file)).toEqual({kind: 'ok', state});
	});

	it('tells a missing file from a damaged one', async () => {
		dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
		expect(await readStateFile(join(dir, 'none.json'))).toEqual({kind: 'missing'});
		await writeFile(join(dir, 'bad.json'), '{"version": 1');
		expect((await readStateFile(join(dir, 'bad.json'))).kind).toBe('corrupt');
	});

	it('refuses a state of another shape, naming the field', () => {
		const result = parseLabState(JSON.stringify({...state, topology: 'huge'}));
		expect(result.kind).toBe('corrupt');
		if (result.kind === 'corrupt') expect(result.reason).toMatch(/topology/);
		expect(parseLabState(JSON.stringify({...state, extra: 1})).kind).toBe('corrupt');
	});

	it('fills defaults of older states', () => {
		const {securityProxied: _, ...older} = state;
		const result = parseLabState(JSON.stringify({...older, hosts: [{name: 'a', ip: '10.131.0.1', roles: []}]}));
		// A refused parse must fail here, not pass as `false`.
		if (result.kind !== 'ok') throw new Error(`an older state was refused: ${JSON.stringify(result)}`);
		expect(result.state.hosts[0]!.added).toBe(false);
		expect(result.state.securityProxied).toBe(false);
	});

	it('leaves no temporary file behind', async () => {
		dir = await mkdtemp(join(tmpdir(), 'pgha-lab-'));
		const file = join(dir, 'state.json');
		await writeStateFile(file, state);
		await writeStateFile(file, {...state, phase: 'starting'});
		expect(JSON.parse(await readFile(file, 'utf8')).phase).toBe('starting');
		const {readdir} = await import('node:fs/promises');
		expect(await readdir(dir)).toEqual(['state.json']);
	});
});

import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {LabStatus} from '../../source/lab/format.js';
import {fetchThroughCache} from '../../source/lab/package-cache.js';
import {labPaths} from '../../source/lab/paths.js';
import {processArgv} from '../../source/lab/processes.js';
import {labUnavailable, pgha, type CliResult} from './helpers.js';
import {freshLab, ownsLab, takeDownOwnLab} from './lab-owner.js';

// Boots the compact lab through the built CLI, proves each host is a real
// Debian with systemd, SSH, packages through the cache and the network
// rights Keepalived and HAProxy need, drives add/stop/start and recovery,
// then proves `lab down` leaves nothing behind.
const skip = labUnavailable();
const work = mkdtempSync(join(tmpdir(), 'pgha-lab-e2e-'));
const answersFile = join(work, 'lab.yaml');
const paths = labPaths();
type Running = Extract<LabStatus, {exists: true}>;

let status: Running;

async function labStatusJson(): Promise<LabStatus> {
	const result = await pgha(['lab', 'status', '--json']);
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as LabStatus;
}

function ssh(ip: string, command: string, timeout = 300_000): {code: number; out: string} {
	const result = spawnSync(
		'ssh',
		['-i', paths.keyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${ip}`, command],
		{encoding: 'utf8', timeout},
	);
	return {code: result.status ?? 1, out: `${result.stdout ?? ''}${result.stderr ?? ''}`};
}

async function sshAsync(ip: string, command: string): Promise<{code: number; out: string}> {
	const {spawn} = await import('node:child_process');
	return new Promise(resolve => {
		const child = spawn('ssh', ['-i', paths.keyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', `root@${ip}`, command]);
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('close', code => resolve({code: code ?? 1, out}));
	});
}

const hostIp = (name: string) => status.hosts.find(h => h.name === name)!.ip;

describe.skipIf(skip)(skip ? `pgha lab (skipped: ${skip})` : 'pgha lab on the compact topology', () => {
	beforeAll(async () => {
		// A lab this run left goes first; anybody else's stops the test instead.
		const started = Date.now();
		// --mirror: this file proves the package cache; the cluster suites install from the lab's bundle with no package source.
		const up = await freshLab(['--topology', 'compact', '--mirror', '--write-answers', answersFile]);
		expect(up.code, up.stderr + up.stdout).toBe(0);
		console.log(`lab up (compact) took ${((Date.now() - started) / 1000).toFixed(1)} s:\n${up.stdout}`);
		for (const name of ['node1', 'node2', 'node3']) expect(up.stdout).toMatch(new RegExp(`^lab: ${name} up 10\\.131\\.0\\.\\d+ \\(\\d+\\.\\d s\\)`, 'm'));
		expect(up.stdout).toMatch(/^lab: base image ready \((cached|built in \d+\.\d s)\)$/m);
		expect(up.stdout).toMatch(/^lab: up in \d+\.\d s/m);
		const current = await labStatusJson();
		if (!current.exists) throw new Error('lab status says there is no lab after lab up');
		status = current;
	});

	afterAll(async () => {
		if (status) await takeDownOwnLab();
	});

	test('status lists every host with its address and roles, alive and answering SSH', () => {
		expect(status.topology).toBe('compact');
		expect(status.phase).toBe('running');
		expect(status.packageCache.alive).toBe(true);
		expect(status.packages).toEqual({source: 'mirror'});
		expect(status.hosts.map(h => [h.name, h.ip, h.roles.join(',')])).toEqual([
			['node1', '10.131.0.11', 'postgres,etcd,balancer'],
			['node2', '10.131.0.12', 'postgres,etcd,balancer'],
			['node3', '10.131.0.13', 'postgres,etcd,backup'],
		]);
		for (const host of status.hosts) {
			expect(host.alive, host.name).toBe(true);
			expect(host.ssh, host.name).toBe(true);
		}
	});

	test('every host answers SSH with its own name and a fully booted systemd', () => {
		for (const host of status.hosts) {
			const result = ssh(host.ip, 'hostname; systemctl is-system-running; cat /etc/machine-id');
			expect(result.code, result.out).toBe(0);
			const [name, state] = result.out.trim().split('\n');
			expect(name).toBe(host.name);
			expect(state).toBe('running');
		}
		const ids = status.hosts.map(host => ssh(host.ip, 'cat /etc/machine-id').out.trim());
		expect(new Set(ids).size).toBe(ids.length);
	});

	test('apt installs a package through the package cache on every host, security updates included', async () => {
		const results = await Promise.all(
			status.hosts.map(host => sshAsync(host.ip, 'apt-get update 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y hello 2>&1 && hello')),
		);
		results.forEach((result, i) => {
			expect(result.code, `${status.hosts[i]!.name}: ${result.out}`).toBe(0);
			expect(result.out).not.toMatch(/^(Err|W):/m);
			expect(result.out).toContain('Hello, world!');
			if (status.securityProxied) expect(result.out).toMatch(/bookworm-security InRelease/);
		});
		expect(status.securityProxied, 'bookworm-security should be reachable through the cache on this machine').toBe(true);
	});

	test('the package cache serves the Debian archives only', async () => {
		// A lab address: should the cache ever try to fetch it, nothing leaves the lab.
		const refused = await fetchThroughCache('http://10.131.0.77/debian/dists/bookworm/InRelease', 1);
		expect(refused.ok).toBe(false);
		expect(refused.status).toBe('HTTP 403');
	});

	test('a host can take an extra lab address and bind to addresses it does not hold (Keepalived, HAProxy)', () => {
		const ip = status.vip;
		const result = ssh(
			hostIp('node1'),
			`ip addr add ${ip}/24 dev eth0 && ip -o -4 addr show dev eth0 && sysctl -w net.ipv4.ip_nonlocal_bind=1 && ip addr del ${ip}/24 dev eth0`,
		);
		expect(result.code, result.out).toBe(0);
		expect(result.out).toContain(`inet ${ip}/24`);
		expect(result.out).toContain('net.ipv4.ip_nonlocal_bind = 1');
	});

	test('hosts route only to the lab subnet and the bridge; the machine forwards nothing', () => {
		const routes = ssh(hostIp('node2'), 'ip -4 route').out.trim().split('\n').map(line => line.trim());
		expect(routes).toEqual(['default via 10.131.0.254 dev eth0', '10.131.0.0/24 dev eth0 proto kernel scope link src 10.131.0.12']);
		expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()).toBe('0');
	});

	test('the answer file is private and valid', async () => {
		expect(statSync(answersFile).mode & 0o777).toBe(0o600);
		const result = await pgha(['validate', answersFile]);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('valid (cluster "lab-compact", 3 hosts)');
		const text = readFileSync(answersFile, 'utf8');
		expect(text).toContain(`identityFile: ${paths.keyFile}`);
		expect(text).toContain('vip: 10.131.0.56');
	});

	test('lab up on the running lab changes nothing; another topology is refused with exit 2', async () => {
		const again = await pgha(['lab', 'up', '--topology', 'compact']);
		expect(again.code, again.stderr).toBe(0);
		expect(again.stdout).toContain('already running; nothing changed');
		const after = (await labStatusJson()) as Running;
		expect(after.hosts.map(h => h.pid)).toEqual(status.hosts.map(h => h.pid));
		const other = await pgha(['lab', 'up', '--topology', 'seed']);
		expect(other.code).toBe(2);
		expect(other.stderr).toMatch(/a compact lab is running/);
	});

	test('lab stop powers a host off and lab start brings it back with its disk', async () => {
		const ip = hostIp('node3');
		expect(ssh(ip, 'echo kept > /root/marker').code).toBe(0);
		let start: CliResult;
		try {
			const stop = await pgha(['lab', 'stop', 'node3']);
			expect(stop.code, stop.stderr).toBe(0);
			const off = (await labStatusJson()) as Running;
			expect(off.hosts.find(h => h.name === 'node3')).toMatchObject({alive: false, ssh: false});
		} finally {
			// node3 runs again for the tests that follow, whatever failed above.
			start = await pgha(['lab', 'start', 'node3']);
		}
		expect(start.code, start.stderr).toBe(0);
		expect(start.stdout).toMatch(/^lab: node3 up 10\.131\.0\.13/m);
		expect(ssh(ip, 'cat /root/marker; systemctl is-system-running').out.trim().split('\n')).toEqual(['kept', 'running']);
	});

	test('lab up brings back a host whose systemd-nspawn was killed', async () => {
		const before = (await labStatusJson()) as Running;
		const pid = before.hosts.find(h => h.name === 'node2')!.pid!;
		process.kill(pid, 'SIGKILL');
		const up = await pgha(['lab', 'up', '--topology', 'compact']);
		expect(up.code, up.stderr).toBe(0);
		expect(up.stdout).toMatch(/node2 was off; starting it/);
		const after = (await labStatusJson()) as Running;
		expect(after.hosts.find(h => h.name === 'node2')).toMatchObject({alive: true, ssh: true});
		expect(ssh(hostIp('node2'), 'systemctl is-system-running').out.trim()).toBe('running');
	});

	test('lab add starts a role-less host at the next free address and status lists it', async () => {
		const add = await pgha(['lab', 'add', 'extra']);
		expect(add.code, add.stderr).toBe(0);
		const ip = add.stdout.trim().split('\n').at(-1)!;
		expect(ip).toBe('10.131.0.1');
		expect(ssh(ip, 'hostname').out.trim()).toBe('extra');
		expect(ssh(hostIp('node1'), 'getent hosts extra').out).toContain('10.131.0.1');
		const listed = (await labStatusJson()) as Running;
		expect(listed.hosts.find(h => h.name === 'extra')).toMatchObject({ip, roles: [], alive: true, ssh: true, added: true});
	});

	test('lab down leaves no namespace, overlay, link or process, and can run twice', async () => {
		const last = (await labStatusJson()) as Running;
		expect(ownsLab(last), 'the lab this file started').toBe(true);
		const pids = [...last.hosts.map(h => h.pid), last.packageCache.pid].filter((pid): pid is number => pid !== undefined);
		expect(pids.length).toBe(last.hosts.length + 1);
		const started = Date.now();
		const down = await pgha(['lab', 'down']);
		expect(down.code, down.stderr).toBe(0);
		console.log(`lab down took ${((Date.now() - started) / 1000).toFixed(1)} s`);
		expect(execFileSync('ip', ['netns', 'list'], {encoding: 'utf8'})).not.toMatch(/pgha-/);
		const mounts = readFileSync('/proc/mounts', 'utf8');
		expect(mounts).not.toContain(paths.stateDir);
		expect(mounts).not.toContain(`lowerdir=${paths.baseImage}`);
		expect(execFileSync('ip', ['-br', 'link'], {encoding: 'utf8'})).not.toMatch(/pgha-/);
		for (const pid of pids) expect(await processArgv(pid), `pid ${pid}`).toBeUndefined();
		expect(existsSync(paths.stateDir)).toBe(false);
		expect(existsSync(paths.baseImage)).toBe(true);
		const again = await pgha(['lab', 'down']);
		expect(again.code).toBe(0);
		expect(again.stdout).toContain('no lab to take down');
		const none = await labStatusJson();
		expect(none.exists).toBe(false);
	});
});

import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {haproxyReload} from '../../../recipes/haproxy/steps.js';
import {renderServerState} from '../../../recipes/haproxy/render.js';
import {locations} from '../../../recipes/kit/locations.js';
import {provesIdempotent} from '../idempotency.js';
import {run} from '../tool-helpers.js';
import {changedSteps, converge, failures, phasesThrough} from '../converge.js';

const haproxyStep = (name: string) => /haproxy|sysctl/.test(name);

describe('HAProxy steps', () => {
	test('config, sysctl file, non-local bind and the service on both balancers; a re-run changes nothing', async () => {
		const {firstChanged, cluster} = await provesIdempotent('balancers', haproxyStep);
		for (const host of ['node1', 'node2']) {
			expect(firstChanged).toEqual(
				expect.arrayContaining([
					`${host}: file /etc/haproxy/tls/ca.crt`,
					`${host}: file /etc/haproxy/tls/stats.pem`,
					`${host}: file /var/lib/haproxy/server-state`,
					`${host}: file /etc/haproxy/haproxy.cfg`,
					`${host}: file /etc/sysctl.d/90-pgha.conf`,
					`${host}: sysctl net.ipv4.ip_nonlocal_bind=1`,
					`${host}: service haproxy`,
				]),
			);
			expect(cluster.host(host).files.get('/etc/haproxy/tls/stats.pem')).toMatchObject({owner: 'root', mode: 0o600});
			expect(cluster.host(host).files.get('/etc/haproxy/haproxy.cfg')).toMatchObject({owner: 'root', mode: 0o600});
			expect(cluster.host(host).files.get('/var/lib/haproxy/server-state')).toMatchObject({content: '1\n', owner: 'root', mode: 0o644});
			expect(cluster.host(host).sysctls.get('net.ipv4.ip_nonlocal_bind')).toBe('1');
			expect(cluster.host(host).unit('haproxy')).toMatchObject({active: true, starts: 1, restarts: 0, reloads: 0});
		}
		expect(cluster.host('node3').unit('haproxy')).toBeUndefined();
	});

	test('a changed haproxy.cfg reloads HAProxy through the state-keeping reload, and the state file ends empty as rendered', async () => {
		const {cluster, answers} = await provesIdempotent('balancers', haproxyStep);
		const config = cluster.host('node1').files.get(locations.haproxyConfig)!;
		config.content = config.content.replace('timeout check 5s', 'timeout check 9s');
		const before = cluster.host('node1').scripts.length;
		const run = await converge(cluster, answers, phasesThrough(answers, 'balancers'));
		expect(failures(run.events)).toEqual([]);
		expect(changedSteps(run.events)).toEqual(['node1: file /etc/haproxy/haproxy.cfg', 'node1: service haproxy']);
		expect(cluster.host('node1').unit('haproxy')).toMatchObject({active: true, starts: 1, restarts: 0, reloads: 1});
		expect(cluster.host('node1').scripts.slice(before)).toContain(haproxyReload);
		expect(cluster.host('node1').files.get(locations.haproxyServerState)).toMatchObject({content: '1\n', owner: 'root', mode: 0o644});
		expect(cluster.unknown()).toEqual([]);
	});
});

/*
 * The reload script itself, run by bash as pgha runs it on a balancer, with
 * stand-ins for haproxy, systemctl and /usr/bin/socat that log each call with
 * what the state file held at that moment. The HAProxy stand-in answers
 * `show info` with its worker's pid, which the reload changes after a few
 * calls, as a new worker takes a moment to answer.
 */
describe('haproxyReload', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'pgha-haproxy-reload-'));
		mkdirSync(join(dir, 'bin'));
		const stub = (name: string, body: string) => writeFileSync(join(dir, 'bin', name), `#!/bin/sh\nd=${dir}\nstate() { tr '\\n' '|' < $d/server-state; }\n${body}\n`, {mode: 0o755});
		stub('haproxy', 'echo "haproxy $*" >> $d/log\n[ ! -f $d/config-broken ]');
		stub('systemctl', 'echo "systemctl $* state=$(state)" >> $d/log\n[ ! -f $d/reload-fails ] || exit 1\nrm -f $d/down\necho 2 > $d/delay\necho $(( $(cat $d/pid) + 1 )) > $d/next');
		stub(
			'socat',
			[
				'request=$(cat)',
				'echo "socat $* <$request> state=$(state)" >> $d/log',
				'[ ! -f $d/down ] || exit 1',
				'case "$request" in',
				`'show info') if [ -f $d/next ] && [ "$(cat $d/delay)" -eq 0 ]; then cat $d/next > $d/pid; elif [ -f $d/next ]; then echo $(( $(cat $d/delay) - 1 )) > $d/delay; fi; printf 'Name: HAProxy\\nPid: %s\\nUptime: 0d 0h00m01s\\n' "$(cat $d/pid)" ;;`,
				`'show servers state') printf '${savedStates.replaceAll('\n', '\\n')}' ;;`,
				'*) exit 2 ;;',
				'esac',
			].join('\n'),
		);
		writeFileSync(join(dir, 'pid'), '100\n');
		writeFileSync(join(dir, 'server-state'), renderServerState().content);
	});
	afterEach(() => rmSync(dir, {recursive: true, force: true}));

	const savedStates = '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state\n3 primary 1 postgres1 10.0.0.1 2\n';
	const saved = savedStates.replaceAll('\n', '|');
	const socket = '-t 2 stdio unix-connect:/run/haproxy/admin.sock';

	async function reload() {
		const script = haproxyReload
			.replaceAll('/usr/bin/socat ', `${dir}/bin/socat `)
			.replaceAll(`${locations.haproxyServerState}`, `${dir}/server-state`)
			.replaceAll(locations.haproxyConfig, `${dir}/haproxy.cfg`);
		expect(script).not.toMatch(/\/usr\/bin\/socat|\/var\/lib\/haproxy|\/etc\/haproxy/);
		const result = await run('/bin/bash', ['-c', script], {env: {PATH: `${dir}/bin:/usr/bin:/bin`}});
		const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trimEnd().split('\n') : [];
		return {code: result.code, stderr: result.stderr, log, state: readFileSync(join(dir, 'server-state'), 'utf8'), files: readdirSync(dir).filter(f => f.startsWith('server-state'))};
	}

	test('checks the config, saves the servers\' states before the reload and empties the file only once the new worker answers', async () => {
		const result = await reload();
		expect(result).toMatchObject({code: 0, stderr: ''});
		expect(result.log).toEqual([
			`haproxy -c -q -f ${dir}/haproxy.cfg`,
			`socat ${socket} <show info> state=1|`,
			`socat ${socket} <show servers state> state=1|`,
			`systemctl reload haproxy state=${saved}`,
			// The old worker answers twice more; the file keeps the states until the new one does.
			`socat ${socket} <show info> state=${saved}`,
			`socat ${socket} <show info> state=${saved}`,
			`socat ${socket} <show info> state=${saved}`,
		]);
		expect(result.state).toBe('1\n');
		expect(result.state).toBe(renderServerState().content);
		expect(result.files).toEqual(['server-state']);
	});

	test('a server the new config adds is saved DOWN for the new worker, in both listeners, with its address and ports', async () => {
		writeFileSync(
			join(dir, 'haproxy.cfg'),
			['listen primary', '\tbind 10.0.0.50:5000', '\tserver postgres1 10.0.0.1:6432 maxconn 100 check port 8008', '\tserver postgres4 10.0.0.4:6432 maxconn 100 check port 8008', 'listen replicas', '\tserver postgres4 10.0.0.4:6432 maxconn 100 check port 8008', ''].join('\n'),
		);
		const result = await reload();
		expect(result.code).toBe(0);
		const during = result.log.find(line => line.startsWith('systemctl reload'))!.replace(/^.*state=/, '').split('|');
		// postgres1 keeps its saved state; postgres4, unknown to the old worker, starts DOWN (op state 0, not yet checked) in both.
		expect(during.filter(line => /^\d+ \w+ \d+ postgres/.test(line))).toEqual([
			'3 primary 1 postgres1 10.0.0.1 2',
			'0 primary 0 postgres4 10.0.0.4 0 0 1 1 0 1 0 0 6 0 0 0 - 6432 - 0 8008 - - 0',
			'0 replicas 0 postgres4 10.0.0.4 0 0 1 1 0 1 0 0 6 0 0 0 - 6432 - 0 8008 - - 0',
		]);
		expect(result.state).toBe('1\n');
	});

	test('a config that fails its check stops the reload before anything else', async () => {
		writeFileSync(join(dir, 'config-broken'), '');
		const result = await reload();
		expect(result.code).not.toBe(0);
		expect(result.log).toEqual([`haproxy -c -q -f ${dir}/haproxy.cfg`]);
		expect(result.state).toBe('1\n');
	});

	test('a HAProxy that does not answer saves no states: the file stays empty through the reload, with no partial file left', async () => {
		writeFileSync(join(dir, 'down'), '');
		const result = await reload();
		expect(result).toMatchObject({code: 0, stderr: ''});
		expect(result.log.slice(0, 4)).toEqual([
			`haproxy -c -q -f ${dir}/haproxy.cfg`,
			`socat ${socket} <show info> state=1|`,
			`socat ${socket} <show servers state> state=1|`,
			'systemctl reload haproxy state=1|',
		]);
		// No old pid was known: the first worker that answers is the new one.
		expect(result.log.slice(4)).toEqual([`socat ${socket} <show info> state=1|`]);
		expect(result.state).toBe('1\n');
		expect(result.files).toEqual(['server-state']);
	});

	test('a failed reload fails the step and waits for no worker', async () => {
		writeFileSync(join(dir, 'reload-fails'), '');
		const result = await reload();
		expect(result.code).not.toBe(0);
		expect(result.log.at(-1)).toBe(`systemctl reload haproxy state=${saved}`);
		expect(result.log).toHaveLength(4);
	});
});

import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {haproxyReadyScript, renderHaproxyReady, renderKeepalived, vrrpPriorities} from '../../../recipes/keepalived/render.js';
import {keepalived} from '../../../recipes/keepalived/index.js';
import {run} from '../tool-helpers.js';
import {renderSysctl} from '../../../recipes/haproxy/sysctl.js';
import {example, nastyEnv} from '../../answers/fixtures.js';
import {renderFacts} from '../../keys/fixtures.js';

const compact = example('compact', nastyEnv);
const keys = (await renderFacts(compact)).keys;
const [node1, node2] = compact.hosts;

const value = (content: string, key: string) => content.split('\n').map(l => l.trim()).find(l => l.startsWith(`${key} `))?.slice(key.length + 1);

describe('renderKeepalived', () => {
	const master = renderKeepalived(compact, node1!, {interface: 'ens18', keys}).content;
	const backup = renderKeepalived(compact, node2!, {interface: 'eth1', keys}).content;

	it('makes the first balancer MASTER 101 and the second BACKUP 100', () => {
		expect(value(master, 'state')).toBe('MASTER');
		expect(value(master, 'priority')).toBe('101');
		expect(value(backup, 'state')).toBe('BACKUP');
		expect(value(backup, 'priority')).toBe('100');
	});

	it('talks unicast to the other balancer from its own address', () => {
		expect(value(master, 'unicast_src_ip')).toBe('10.20.0.11');
		expect(master).toMatch(/unicast_peer \{\n\t\t10\.20\.0\.12\n\t\}/);
		expect(value(backup, 'unicast_src_ip')).toBe('10.20.0.12');
		expect(backup).toMatch(/unicast_peer \{\n\t\t10\.20\.0\.11\n\t\}/);
	});

	it('puts the VIP with its prefix on the host\'s interface', () => {
		expect(value(master, 'interface')).toBe('ens18');
		expect(master).toContain('\t\t10.20.0.100/24 dev ens18\n');
		expect(backup).toContain('\t\t10.20.0.100/24 dev eth1\n');
		expect(value(master, 'virtual_router_id')).toBe('52');
		expect(value(master, 'advert_int')).toBe('1');
	});

	it('checks that HAProxy is ready with pgha\'s script, run as root, scripts being otherwise unprivileged', () => {
		expect(master).toContain('enable_script_security');
		expect(value(master, 'script_user')).toBe('keepalived_script');
		const script = master.slice(master.indexOf('vrrp_script chk_haproxy {'), master.indexOf('vrrp_instance'));
		expect(value(script, 'script')).toBe('"/usr/local/lib/pgha/haproxy-ready"');
		expect(value(script, 'user')).toBe('root');
		expect(master).not.toContain('pgrep');
		expect(value(master, 'interval')).toBe('2');
		expect(value(master, 'fall')).toBe('2');
		expect(value(master, 'rise')).toBe('2');
		expect(value(master, 'weight')).toBe('4');
		expect(master).toMatch(/track_script \{\n\t\tchk_haproxy\n\t\}/);
	});

	it('authenticates VRRP with the password and keeps the file secret', () => {
		expect(value(master, 'auth_type')).toBe('PASS');
		expect(value(master, 'auth_pass')).toBe(nastyEnv['PGHA_VRRP_PASSWORD']);
		expect(renderKeepalived(compact, node1!, {interface: 'eth0', keys})).toMatchObject({path: '/etc/keepalived/keepalived.conf', owner: 'root', mode: 0o600, secret: true, service: 'keepalived'});
	});

	it.each([
		['fast', {interval: '1', fall: '2', rise: '1', advert_int: '1'}],
		['normal', {interval: '2', fall: '2', rise: '2', advert_int: '1'}],
		['safe', {interval: '2', fall: '3', rise: '2', advert_int: '1'}],
	] as const)('checks HAProxy and advertises at the pace of ha.rto %s', (rto, expected) => {
		const content = renderKeepalived({...compact, ha: {...compact.ha, rto}}, node1!, {interface: 'eth0', keys}).content;
		const script = content.slice(content.indexOf('vrrp_script chk_haproxy {'), content.indexOf('vrrp_instance'));
		expect({interval: value(script, 'interval'), fall: value(script, 'fall'), rise: value(script, 'rise'), advert_int: value(content, 'advert_int')}).toEqual(expected);
	});

	it('has balanced braces', () => {
		for (const content of [master, backup]) expect(content.split('{').length).toBe(content.split('}').length);
	});

	it('with 1 balancer: MASTER with no peer to name, still holding the VIP behind its HAProxy check', () => {
		const one = {...compact, hosts: compact.hosts.map(h => (h.name === 'node2' ? {...h, roles: h.roles.filter(r => r !== 'balancer')} : h))};
		const alone = renderKeepalived(one, node1!, {interface: 'ens18', keys}).content;
		expect(value(alone, 'state')).toBe('MASTER');
		expect(value(alone, 'priority')).toBe('101');
		expect(alone).not.toContain('unicast_src_ip');
		expect(alone).not.toContain('unicast_peer');
		expect(alone).toContain('\t\t10.20.0.100/24 dev ens18\n');
		expect(alone).toMatch(/track_script \{\n\t\tchk_haproxy\n\t\}/);
		expect(alone.split('{').length).toBe(alone.split('}').length);
		expect(keepalived.services(one, node1!)[0]!.ports[0]!.purpose).toBe('advertisements with no other balancer to hear them (this one holds the VIP alone), router id 52');
	});

	it('with 3 balancers: one MASTER, each a priority of its own, unicast to both others', () => {
		const three = {...compact, hosts: compact.hosts.map(h => (h.name === 'node3' ? {...h, roles: [...h.roles, 'balancer' as const]} : h))};
		const [a, b, c] = three.hosts.map(h => renderKeepalived(three, h, {interface: 'eth0', keys}).content);
		expect([a, b, c].map(content => value(content!, 'state'))).toEqual(['MASTER', 'BACKUP', 'BACKUP']);
		expect([a, b, c].map(content => value(content!, 'priority'))).toEqual(['101', '100', '99']);
		expect(c).toMatch(/unicast_peer \{\n\t\t10\.20\.0\.11\n\t\t10\.20\.0\.12\n\t\}/);
		expect(a).toMatch(/unicast_peer \{\n\t\t10\.20\.0\.12\n\t\t10\.20\.0\.13\n\t\}/);
		expect(keepalived.services(three, three.hosts[0]!)[0]!.ports[0]!.purpose).toBe('advertisements to node2, node3, router id 52');
	});

	it('any balancer whose HAProxy is ready outranks every one whose HAProxy is not, for 1 to 8 balancers', () => {
		for (let n = 1; n <= 8; n++) {
			const hosts = Array.from({length: n}, (_, i) => ({name: `haproxy${i + 1}`, ip: `10.0.0.${i + 1}`, roles: ['balancer' as const]}));
			const {priorities, weight} = vrrpPriorities({hosts});
			const values = [...priorities.values()];
			expect(new Set(values).size).toBe(n);
			expect(Math.min(...values) + weight).toBeGreaterThan(Math.max(...values));
			expect(Math.max(...values) + weight).toBeLessThanOrEqual(254);
		}
		expect(vrrpPriorities(compact).weight).toBe(4);
	});
});

describe('renderHaproxyReady', () => {
	const file = renderHaproxyReady(compact);

	it('is a root-owned 0755 script at the path the vrrp_script runs, one of the keepalived files', () => {
		expect(file).toMatchObject({path: '/usr/local/lib/pgha/haproxy-ready', owner: 'root', group: 'root', mode: 0o755, secret: false});
		expect(haproxyReadyScript).toBe(file.path);
		expect(keepalived.files(compact, node1!, {interface: 'eth0', keys}).map(f => f.path)).toEqual([file.path, '/etc/keepalived/keepalived.conf']);
		expect(keepalived.packages('balancer')).toEqual(['keepalived', 'socat']);
		expect(file.content).toMatch(/^#!\/bin\/sh\n/);
	});

	it("reads HAProxy's admin socket with socat and awk where Debian has them", () => {
		expect(file.content).toContain("echo 'show stat' | /usr/bin/socat -t 2 stdio unix-connect:/run/haproxy/admin.sock");
		expect(file.content).toContain('| /usr/bin/awk -F, ');
	});

	/*
	 * The script itself, run by /bin/sh as Keepalived runs it, with a stand-in
	 * for /usr/bin/socat that prints a given `show stat` (or fails, as socat
	 * does when HAProxy does not answer). The rest is Debian's sh and awk.
	 */
	const dir = mkdtempSync(join(tmpdir(), 'pgha-haproxy-ready-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));
	const socat = join(dir, 'socat');
	writeFileSync(socat, `#!/bin/sh\necho "$*" > ${dir}/args\ncat > ${dir}/request\n[ -f ${dir}/stats ] || exit 1\ncat ${dir}/stats\n`, {mode: 0o755});
	const script = join(dir, 'haproxy-ready');
	const tested = file.content.replaceAll('/usr/bin/socat ', `${socat} `);
	expect(tested).not.toContain('/usr/bin/socat');
	writeFileSync(script, tested);
	chmodSync(script, 0o755);

	/** `show stat` CSV rows as HAProxy 2.6 prints them: pxname, svname, status (field 17) and check_status (field 36) among 80 fields. */
	const row = (px: string, sv: string, status: string, check: string) => {
		const fields: string[] = Array.from({length: 80}, () => '');
		Object.assign(fields, {0: px, 1: sv, 17: status, 36: check});
		return fields.join(',');
	};
	const header = `# ${['pxname', 'svname'].concat(Array.from({length: 78}, (_, i) => `f${i + 2}`)).join(',')}`;
	const checked = [
		row('stats', 'FRONTEND', 'OPEN', ''),
		row('stats', 'BACKEND', 'UP', ''),
		row('primary', 'FRONTEND', 'OPEN', ''),
		row('primary', 'postgres1', 'UP', 'L7OK'),
		row('primary', 'postgres2', 'DOWN', 'L7STS'),
		row('primary', 'BACKEND', 'UP', ''),
		row('replicas', 'FRONTEND', 'OPEN', ''),
		row('replicas', 'postgres1', 'DOWN', 'L7STS'),
		row('replicas', 'postgres2', 'UP', '* L7OK'),
		row('replicas', 'BACKEND', 'UP', ''),
	];

	async function ready(rows: string[] | undefined): Promise<number | null> {
		rmSync(join(dir, 'stats'), {force: true});
		if (rows) writeFileSync(join(dir, 'stats'), `${[header, ...rows].join('\n')}\n\n`);
		const result = await run(script, [], {env: {PATH: '/usr/bin:/bin'}});
		expect(result.stderr).toBe('');
		return result.code;
	}

	it('succeeds when HAProxy answers and has checked every PostgreSQL server, up or down', async () => {
		expect(await ready(checked)).toBe(0);
		expect(readFileSync(join(dir, 'request'), 'utf8')).toBe('show stat\n');
		expect(readFileSync(join(dir, 'args'), 'utf8')).toBe('-t 2 stdio unix-connect:/run/haproxy/admin.sock\n');
	});

	it('fails while any server of primary or replicas is in its initial unchecked state (INI)', async () => {
		for (const [px, sv] of [['primary', 'postgres2'], ['replicas', 'postgres1']]) {
			for (const ini of ['INI', '* INI']) {
				const rows = checked.map(r => (r.startsWith(`${px},${sv},`) ? row(px!, sv!, 'UP', ini) : r));
				expect(rows).not.toEqual(checked);
				expect(await ready(rows), `${px}/${sv} ${ini}`).toBe(1);
			}
		}
		// An unchecked server elsewhere (the stats listener) is none of its business.
		expect(await ready([...checked, row('stats', 'other', 'UP', 'INI')])).toBe(0);
	});

	it('fails when HAProxy does not answer or lists no PostgreSQL server', async () => {
		expect(await ready(undefined)).toBe(1);
		expect(await ready([])).toBe(1);
		expect(await ready(checked.filter(r => !/^(primary|replicas),postgres/.test(r)))).toBe(1);
	});
});

describe('renderSysctl', () => {
	it('lets HAProxy bind the VIP it does not hold', () => {
		const file = renderSysctl();
		expect(file).toMatchObject({path: '/etc/sysctl.d/90-pgha.conf', owner: 'root', mode: 0o644, secret: false});
		expect(file.content).toMatch(/^net\.ipv4\.ip_nonlocal_bind = 1$/m);
	});
});

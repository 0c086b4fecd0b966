import {describe, expect, it} from 'vitest';
import {renderKeepalived} from '../../../recipes/keepalived/render.js';
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

	it('checks HAProxy as an unprivileged user with a command Debian has', () => {
		expect(master).toContain('enable_script_security');
		expect(value(master, 'script_user')).toBe('keepalived_script');
		expect(value(master, 'script')).toBe('"/usr/bin/pgrep -x haproxy"');
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
});

describe('renderSysctl', () => {
	it('lets HAProxy bind the VIP it does not hold', () => {
		const file = renderSysctl();
		expect(file).toMatchObject({path: '/etc/sysctl.d/90-pgha.conf', owner: 'root', mode: 0o644, secret: false});
		expect(file.content).toMatch(/^net\.ipv4\.ip_nonlocal_bind = 1$/m);
	});
});

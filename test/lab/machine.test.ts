import {describe, expect, it} from 'vitest';
import {anyLabNspawnMatch, nspawnArgs, nspawnEnv, nspawnMatch} from '../../source/lab/boot.js';
import {debootstrapArgs} from '../../source/lab/base-image.js';
import {mountsUnder, overlayOptions, parseMounts} from '../../source/lab/mounts.js';
import {overlapsLab, routeDestination} from '../../source/lab/network.js';
import {hostPaths, labPaths} from '../../source/lab/paths.js';
import {packagesFor, requireLinuxRoot} from '../../source/lab/prerequisites.js';
import {labSshArgs} from '../../source/lab/ssh.js';

describe('paths', () => {
	it('keep state and cache apart, and can be moved', () => {
		const paths = labPaths({});
		expect(paths.stateFile).toBe('/var/lib/pgha/lab/state.json');
		expect(paths.baseImage).toBe('/var/cache/pgha/base-bookworm');
		expect(paths.lockFile).toBe('/var/lib/pgha/lab.lock');
		expect(paths.keyFile.startsWith(paths.stateDir)).toBe(true);
		const moved = labPaths({PGHA_LAB_DIR: '/tmp/l', PGHA_LAB_CACHE: '/tmp/c'});
		expect(moved.stateFile).toBe('/tmp/l/state.json');
		expect(moved.packages).toBe('/tmp/c/packages');
		expect(hostPaths(moved, 'node1')).toEqual({
			dir: '/tmp/l/hosts/node1',
			upper: '/tmp/l/hosts/node1/upper',
			work: '/tmp/l/hosts/node1/work',
			root: '/tmp/l/hosts/node1/root',
			console: '/tmp/l/hosts/node1/console.log',
		});
	});
});

describe('debootstrap', () => {
	it('builds a minbase bookworm with what a host needs to boot and answer SSH', () => {
		expect(debootstrapArgs('/b.partial', 'http://deb.debian.org/debian/')).toEqual([
			'--variant=minbase',
			'--include=systemd,systemd-sysv,openssh-server,iproute2,dbus,sudo,ca-certificates,gnupg,procps',
			'bookworm',
			'/b.partial',
			'http://deb.debian.org/debian/',
		]);
	});
});

describe('systemd-nspawn', () => {
	const root = '/var/lib/pgha/lab/hosts/node1/root';

	it('boots the host in its namespace, with the capabilities Keepalived needs and no bus', () => {
		expect(nspawnArgs('node1', root)).toEqual([
			'-D',
			root,
			'--network-namespace-path=/run/netns/pgha-node1',
			'--machine=node1',
			'--register=no',
			'--keep-unit',
			'--capability=CAP_NET_ADMIN,CAP_NET_RAW,CAP_SYS_NICE',
			'--resolv-conf=off',
			'--console=read-only',
			'-b',
		]);
		expect(nspawnEnv({PATH: '/bin'})).toEqual({PATH: '/bin', SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network'});
	});

	it('recognises its own process and no other', () => {
		const argv = ['/usr/bin/systemd-nspawn', ...nspawnArgs('node1', root)];
		expect(nspawnMatch('node1', root)(argv)).toBe(true);
		expect(nspawnMatch('node2', root)(argv)).toBe(false);
		expect(nspawnMatch('node1', root)(['sleep', '--machine=node1', root])).toBe(false);
		expect(anyLabNspawnMatch('/var/lib/pgha/lab/hosts')(argv)).toBe(true);
		expect(anyLabNspawnMatch('/var/lib/pgha/lab/hosts')(['systemd-nspawn', '-D', '/srv/other'])).toBe(false);
	});
});

describe('mounts', () => {
	const text = [
		'/dev/vda / ext4 rw 0 0',
		'overlay /var/lib/pgha/lab/hosts/node1/root overlay rw,lowerdir=/b 0 0',
		'proc /var/lib/pgha/lab/hosts/node1/root/proc proc rw 0 0',
		'overlay /var/lib/pgha/lab-other/x overlay rw 0 0',
		'tmpfs /var/lib/pgha/lab/with\\040space tmpfs rw 0 0',
	].join('\n');

	it('finds what lies under a directory, deepest first, and nothing beside it', () => {
		const under = mountsUnder(parseMounts(text), '/var/lib/pgha/lab').map(m => m.target);
		expect(under).toEqual(['/var/lib/pgha/lab/hosts/node1/root/proc', '/var/lib/pgha/lab/hosts/node1/root', '/var/lib/pgha/lab/with space']);
	});

	it('stacks the host layer over the shared base', () => {
		const host = hostPaths(labPaths({}), 'node1');
		expect(overlayOptions('/var/cache/pgha/base-bookworm', host)).toBe(
			'lowerdir=/var/cache/pgha/base-bookworm,upperdir=/var/lib/pgha/lab/hosts/node1/upper,workdir=/var/lib/pgha/lab/hosts/node1/work',
		);
	});
});

describe('routes', () => {
	it('reads the destination of route lines', () => {
		expect(routeDestination('default via 192.0.2.1 dev eth0')).toBeUndefined();
		expect(routeDestination('192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2')).toBe('192.0.2.0/24');
		expect(routeDestination('local 192.0.2.2 dev eth0 table local proto kernel')).toBe('192.0.2.2');
	});

	it('finds routes that overlap the lab subnet', () => {
		expect(overlapsLab('10.131.0.0/24')).toBe(true);
		expect(overlapsLab('10.0.0.0/8')).toBe(true);
		expect(overlapsLab('10.131.0.77')).toBe(true);
		expect(overlapsLab('10.131.1.0/24')).toBe(false);
		expect(overlapsLab('192.0.2.0/24')).toBe(false);
		expect(overlapsLab('0.0.0.0/0')).toBe(false);
	});
});

describe('prerequisites', () => {
	it('need Linux and root, with a clear error otherwise', () => {
		expect(() => requireLinuxRoot('darwin', 0)).toThrow(/needs Linux/);
		expect(() => requireLinuxRoot('linux', 1000)).toThrow(/needs root/);
		expect(() => requireLinuxRoot('linux', 0)).not.toThrow();
		try {
			requireLinuxRoot('linux', 1000);
		} catch (error) {
			expect((error as {exitCode: number}).exitCode).toBe(1);
		}
	});

	it('name the Debian package of each missing command once', () => {
		expect(packagesFor(['ssh', 'ssh-keygen', 'systemd-nspawn'])).toEqual(['systemd-container', 'openssh-client']);
		expect(packagesFor([])).toEqual([]);
	});
});

describe('ssh', () => {
	it('uses the lab key only, learns no host keys and never prompts', () => {
		const args = labSshArgs('10.131.0.11', '/k');
		expect(args.slice(0, 2)).toEqual(['-i', '/k']);
		expect(args).toContain('StrictHostKeyChecking=no');
		expect(args).toContain('UserKnownHostsFile=/dev/null');
		expect(args).toContain('BatchMode=yes');
		expect(args.at(-1)).toBe('root@10.131.0.11');
	});
});

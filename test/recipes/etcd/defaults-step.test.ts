import {describe, expect, test} from 'vitest';
import {onlyBootstrapListChanged} from '../../../recipes/etcd/defaults-step.js';
import {renderEtcd} from '../../../recipes/etcd/render.js';
import {example} from '../../answers/fixtures.js';

const seed = example('seed-topology');
const etcd1 = seed.hosts.find(h => h.name === 'etcd1')!;
const withEtcd4 = {...seed, hosts: [...seed.hosts, {name: 'etcd4', ip: '192.168.100.31', roles: ['etcd' as const]}]};

describe('onlyBootstrapListChanged', () => {
	test('a member that left changes only the initial member list: no restart', () => {
		expect(onlyBootstrapListChanged(renderEtcd(withEtcd4, etcd1).content, renderEtcd(seed, etcd1).content)).toBe(true);
	});

	test('any other change, a missing file or no change at all is not that', () => {
		const wanted = renderEtcd(seed, etcd1).content;
		expect(onlyBootstrapListChanged(wanted.replace('ETCD_CLIENT_CERT_AUTH="true"', 'ETCD_CLIENT_CERT_AUTH="false"'), wanted)).toBe(false);
		expect(onlyBootstrapListChanged(undefined, wanted)).toBe(false);
		expect(onlyBootstrapListChanged(wanted, wanted)).toBe(false);
	});
});

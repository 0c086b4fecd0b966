import {describe, expect, test} from 'vitest';
import {provesIdempotent} from '../idempotency.js';

const keepalivedStep = (name: string) => /keepalived|VIP/.test(name);

describe('Keepalived steps', () => {
	test('config and service on both balancers, the VIP on one; a re-run changes nothing', async () => {
		const {firstChanged, cluster, answers} = await provesIdempotent('balancers', keepalivedStep);
		for (const host of ['node1', 'node2']) {
			expect(firstChanged).toEqual(expect.arrayContaining([`${host}: file /etc/keepalived/keepalived.conf`, `${host}: service keepalived`]));
			expect(cluster.host(host).unit('keepalived')).toMatchObject({active: true, starts: 1, restarts: 0, reloads: 0});
			expect(cluster.host(host).files.get('/etc/keepalived/keepalived.conf')).toMatchObject({owner: 'root', mode: 0o600});
		}
		expect(cluster.vipHolder()?.vip).toBe(answers.network.vip);
	});
});

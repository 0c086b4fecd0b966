import {describe, expect, test} from 'vitest';
import {membersFromApi, patroniMembers} from '../../../recipes/postgres/probes.js';
import type {HostRun} from '../../../recipes/kit/step.js';

const api = JSON.stringify({
	members: [
		{name: 'postgres1', role: 'leader', state: 'running', timeline: 3},
		{name: 'postgres2', role: 'sync_standby', state: 'streaming', timeline: 3, lag: 3_145_728},
		{name: 'postgres3', role: 'replica', state: 'starting', lag: 'unknown'},
	],
});

describe("Patroni's members through its REST API", () => {
	test("read in patronictl's words: roles, timeline and lag in MB", () => {
		expect(membersFromApi(api)).toEqual([
			{Member: 'postgres1', Role: 'Leader', State: 'running', TL: 3},
			{Member: 'postgres2', Role: 'Sync Standby', State: 'streaming', TL: 3, 'Lag in MB': 3},
			{Member: 'postgres3', Role: 'Replica', State: 'starting', 'Lag in MB': 'unknown'},
		]);
		expect(membersFromApi('<html>not json')).toBeUndefined();
		expect(membersFromApi('{"state": "running"}')).toBeUndefined();
	});

	test("a member waiting for a restart is marked as patronictl marks it", () => {
		const pending = JSON.stringify({members: [{name: 'postgres1', role: 'leader', state: 'running', pending_restart: true}]});
		expect(membersFromApi(pending)).toEqual([{Member: 'postgres1', Role: 'Leader', State: 'running', 'Pending restart': '*'}]);
	});

	test('when the node API does not answer, etcd is asked through patronictl; a failover drill asks etcd at once', async () => {
		const scripts: string[] = [];
		const down: HostRun = async script => {
			scripts.push(script);
			return script.startsWith('python3') ? {code: 1, stdout: '', stderr: 'Connection refused'} : {code: 0, stdout: '[{"Member": "postgres2", "Role": "Leader", "State": "running"}]', stderr: ''};
		};
		expect((await patroniMembers(down))[0]?.Member).toBe('postgres2');
		expect(scripts.map(s => s.split(' ')[0])).toEqual(['python3', 'timeout']);
		scripts.length = 0;
		await patroniMembers(down, {fromDcs: true});
		expect(scripts.map(s => s.split(' ')[0])).toEqual(['timeout']);
	});
});

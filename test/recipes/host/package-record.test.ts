import {describe, expect, test} from 'vitest';
import {packagesBeforeStep, parsePackageList} from '../../../recipes/host/package-record.js';
import {example, withStatsPassword} from '../../answers/fixtures.js';
import {FakeCluster} from '../fake-cluster.js';
import {fakeContext, stepContext} from '../converge.js';

const answers = withStatsPassword(example('compact'));

describe('the record of what a host had before pgha', () => {
	test("a fresh host's packages are written once, and never again", async () => {
		const cluster = FakeCluster.of(answers);
		const host = cluster.host('node1');
		host.packages.add('cron');
		const ctx = stepContext(await fakeContext(cluster, answers), 'node1');
		expect(await packagesBeforeStep.check!(ctx)).toBe(false);
		await packagesBeforeStep.apply(ctx);
		expect(host.files.get('/var/lib/pgha/packages-before')?.content).toBe('cron\n');
		host.packages.add('patroni');
		expect(await packagesBeforeStep.check!(ctx)).toBe(true);
	});

	test('a host an earlier pgha installed (its marker is there) gets none: what it had before cannot be known now', async () => {
		const cluster = FakeCluster.of(answers);
		cluster.host('node1').files.set('/etc/pgha/cluster', {content: 'compact\n', owner: 'root', group: 'root', mode: 0o644});
		const ctx = stepContext(await fakeContext(cluster, answers), 'node1');
		expect(await packagesBeforeStep.check!(ctx)).toBe(true);
	});

	test("dpkg's list read back: one name a line, sorted, unique", () => {
		expect(parsePackageList('zlib1g\ncron\n\ncron\n')).toEqual(['cron', 'zlib1g']);
	});
});

import {spawn} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {isOurProcess, processArgv, stopProcess} from '../../source/lab/processes.js';

describe('processes', () => {
	it('reads a live process argv', async () => {
		const argv = await processArgv(process.pid);
		expect(argv?.[0]).toMatch(/node/);
	});

	it('treats a gone pid as not ours', async () => {
		expect(await isOurProcess(2 ** 22 + 17, () => true)).toBe(false);
		expect(await isOurProcess(undefined, () => true)).toBe(false);
	});

	it('leaves a process alone when its argv does not match (the pid was reused)', async () => {
		const child = spawn('sleep', ['30'], {stdio: 'ignore'});
		try {
			expect(await stopProcess(child.pid, argv => argv.includes('31'))).toBe('not-running');
			expect(await isOurProcess(child.pid, argv => argv[0] === 'sleep')).toBe(true);
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('stops a matching process with SIGTERM', async () => {
		const child = spawn('sleep', ['30'], {stdio: 'ignore'});
		expect(await stopProcess(child.pid, argv => argv[0] === 'sleep' && argv[1] === '30', 5_000)).toBe('stopped');
		expect(await isOurProcess(child.pid, () => true)).toBe(false);
	});

	it('kills a process that ignores SIGTERM once the grace time is over', async () => {
		const child = spawn('sh', ['-c', 'trap "" TERM; sleep 30; true'], {stdio: 'ignore'});
		await new Promise(resolve => setTimeout(resolve, 200));
		expect(await stopProcess(child.pid, argv => argv[0] === 'sh', 500)).toBe('killed');
		expect(await isOurProcess(child.pid, () => true)).toBe(false);
	});
});

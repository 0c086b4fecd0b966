import {describe, expect, it} from 'vitest';
import {ChannelGate, isRefusedChannel} from '../../source/transport/channel-gate.js';
import {HostConnection, type Session} from '../../source/transport/ssh.js';

const tick = () => new Promise(resolve => setTimeout(resolve, 1));

/** A server that allows `maxSessions` channels at once, as OpenSSH does, and records the most it ever saw. */
function limitedServer(maxSessions: number) {
	const state = {open: 0, peak: 0, refused: 0, ran: 0};
	const openChannel = async <T>(body: () => Promise<T>): Promise<T> => {
		if (state.open >= maxSessions) {
			state.refused++;
			throw new Error('(SSH) Channel open failure: open failed');
		}
		state.open++;
		state.peak = Math.max(state.peak, state.open);
		try {
			return await body();
		} finally {
			state.open--;
		}
	};
	return {state, openChannel};
}

describe('ChannelGate', () => {
	it('never holds more channels open than its limit', async () => {
		const server = limitedServer(100);
		const gate = new ChannelGate(8);
		await Promise.all(Array.from({length: 40}, () => gate.run(() => server.openChannel(tick))));
		expect(server.state.peak).toBe(8);
		expect(server.state.refused).toBe(0);
	});

	it('learns a lower MaxSessions from a refusal and still runs every command', async () => {
		const server = limitedServer(3);
		const gate = new ChannelGate(8);
		const results = await Promise.all(Array.from({length: 30}, (_, i) => gate.run(() => server.openChannel(async () => (await tick(), i)))));
		expect(results).toEqual(Array.from({length: 30}, (_, i) => i));
		expect(gate.capacity).toBe(3);
		expect(server.state.peak).toBe(3);
	});

	it('reports a refusal with nothing else open: the host refuses sessions at all', async () => {
		const server = limitedServer(0);
		const gate = new ChannelGate(8);
		await expect(gate.run(() => server.openChannel(tick))).rejects.toThrow(/Channel open failure/);
	});

	it('passes other errors through without retrying', async () => {
		const gate = new ChannelGate(2);
		let calls = 0;
		const failing = () => {
			calls++;
			return Promise.reject(new Error('connection lost'));
		};
		await expect(Promise.all([gate.run(failing), gate.run(failing), gate.run(failing)])).rejects.toThrow('connection lost');
		await tick();
		expect(calls).toBe(3);
		expect(gate.capacity).toBe(2);
	});

	it('recognises ssh2 refusals only', () => {
		expect(isRefusedChannel(new Error('(SSH) Channel open failure: open failed'))).toBe(true);
		expect(isRefusedChannel(new Error('Not connected'))).toBe(false);
		expect(isRefusedChannel('Channel open failure')).toBe(false);
	});
});

describe('HostConnection on a host with MaxSessions', () => {
	it('runs a burst of checks side by side on one connection without a refused channel', async () => {
		const server = limitedServer(10);
		const session = {
			execCommand: (_command: string, options: {onStdout?: (chunk: Buffer) => void}) =>
				server.openChannel(async () => {
					await tick();
					server.state.ran++;
					options.onStdout?.(Buffer.from('ok'));
					return {code: 0, stdout: 'ok', stderr: '', signal: null};
				}),
			dispose() {},
		} as unknown as Session;
		const conn = await HostConnection.attach({name: 'node1', ip: '10.0.0.11'}, session, {user: 'root', port: 22, agent: false}, 'SHA256:x');
		const results = await Promise.all(Array.from({length: 25}, () => conn.run('true')));
		expect(results.every(r => r.stdout === 'ok')).toBe(true);
		expect(server.state.refused).toBe(0);
		expect(server.state.ran).toBe(25);
	});
});

import {beforeEach, describe, expect, it, vi} from 'vitest';
import type {AppResult} from '../../source/ui/app.js';
import {main} from '../../source/commands/main.js';
import type {Flags} from '../../source/commands/context.js';
import {captureIo, noFlags} from './io.js';

// The app, its services and the commands it can choose are stand-ins: these tests are about who runs what.
const fake = vi.hoisted(() => ({
	result: {kind: 'quit'} as AppResult,
	repair: [] as Flags[],
	status: [] as Flags[],
	confirm: true,
	drift: true,
	typed: [] as string[],
	ran: [] as Array<{command: string; args: string[]; flags: Flags}>,
}));
vi.mock('../../source/ui/run-app.js', () => ({runApp: async () => fake.result}));
vi.mock('../../source/engine/wizard-services.js', () => ({wizardServices: () => ({dispose: () => undefined})}));
vi.mock('../../source/commands/repair.js', () => ({
	repair: async (_args: string[], flags: Flags) => {
		fake.repair.push(flags);
		return flags.check && fake.drift ? 3 : 0;
	},
}));
vi.mock('../../source/commands/status.js', () => ({
	status: async (_args: string[], flags: Flags) => {
		fake.status.push(flags);
		return 0;
	},
}));
vi.mock('../../source/commands/confirm.js', () => ({confirm: async () => fake.confirm, ask: async () => fake.typed.shift() ?? ''}));
const recorded = (command: string) => async (args: string[], flags: Flags) => {
	fake.ran.push({command, args, flags});
	return 0;
};
vi.mock('../../source/commands/config.js', () => ({config: recorded('config')}));
vi.mock('../../source/commands/install.js', () => ({install: recorded('install')}));
vi.mock('../../source/commands/remove-node.js', () => ({removeNode: recorded('remove-node')}));
vi.mock('../../source/commands/uninstall.js', () => ({uninstall: recorded('uninstall')}));

beforeEach(() => {
	fake.typed = [];
	fake.ran = [];
	fake.repair = [];
	fake.status = [];
	fake.confirm = true;
	fake.drift = true;
});

describe('pgha (the wizard)', () => {
	it('runs the command chosen for a saved cluster, for that cluster', async () => {
		fake.result = {kind: 'command', command: 'status', cluster: 'produccion'};
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.status.map(flags => flags.cluster)).toEqual(['produccion']);
	});

	it('check and repair shows the drift first and repairs only when asked', async () => {
		fake.result = {kind: 'command', command: 'repair', cluster: 'produccion'};
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.repair.map(flags => [flags.cluster, flags.check])).toEqual([
			['produccion', true],
			['produccion', false],
		]);

		fake.repair = [];
		fake.confirm = false;
		expect(await main([], noFlags, captureIo({}, true))).toBe(3);
		expect(fake.repair.map(flags => flags.check)).toEqual([true]);

		fake.repair = [];
		fake.drift = false;
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.repair.map(flags => flags.check)).toEqual([true]);
	});

	it('change a setting asks for the key and the value, saves them with config set, then runs install when asked', async () => {
		fake.result = {kind: 'command', command: 'config', cluster: 'produccion'};
		fake.typed = ['postgresql.parameters.work_mem', '16MB'];
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.ran.map(r => [r.command, r.args, r.flags.cluster])).toEqual([
			['config', ['set', 'postgresql.parameters.work_mem', '16MB'], 'produccion'],
			['install', [], 'produccion'],
		]);
		fake.ran = [];
		fake.confirm = false;
		fake.typed = ['pgbouncer.defaultPoolSize', '50'];
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.ran.map(r => r.command)).toEqual(['config']);
	});

	it('remove a node asks which host and hands it to remove-node; an empty answer does nothing', async () => {
		fake.result = {kind: 'command', command: 'remove-node', cluster: 'produccion'};
		fake.typed = ['postgres3'];
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.ran.map(r => [r.command, r.args, r.flags.cluster])).toEqual([['remove-node', ['postgres3'], 'produccion']]);
		fake.ran = [];
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.ran).toEqual([]);
	});

	it('uninstall asks whether the data and the backups go too, and passes the answers on as the wipe flags', async () => {
		fake.result = {kind: 'command', command: 'uninstall', cluster: 'produccion'};
		fake.confirm = false;
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
		expect(fake.ran.map(r => [r.command, r.flags.wipeData, r.flags.wipeBackups])).toEqual([['uninstall', false, false]]);
	});

	it('prints the connection strings after a successful install, from the answers the wizard validated', async () => {
		const {example} = await import('../answers/fixtures.js');
		fake.result = {kind: 'installed', ok: true, stopped: false, logFile: '/tmp/install.log', answersFile: '/tmp/produccion.json', answers: example('seed-topology')};
		const io = captureIo({PGHA_HOME: '/srv/pgha'}, true);
		expect(await main([], noFlags, io)).toBe(0);
		// Checked against the cluster CA kept beside the saved cluster; no multi-host strings without client networks.
		expect(io.lines).toEqual([
			'read-write, through the VIP: postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=/srv/pgha/clusters/produccion.keys/ca.crt',
			'read-only, through the VIP: postgresql://aplicacion@192.168.100.56:5001/aplicacion?sslmode=verify-full&sslrootcert=/srv/pgha/clusters/produccion.keys/ca.crt',
		]);
	});

	it('names the operator\'s own CA in the connection strings when the answers give one', async () => {
		const {answersFrom, exampleRaw} = await import('../answers/fixtures.js');
		const raw = exampleRaw('seed-topology');
		raw['tls'] = {caCert: '/etc/company/ca.pem', caKey: '/etc/company/ca.key'};
		fake.result = {kind: 'installed', ok: true, stopped: false, logFile: '/tmp/install.log', answersFile: '/tmp/produccion.json', answers: answersFrom(raw)};
		const io = captureIo({PGHA_HOME: '/srv/pgha'}, true);
		expect(await main([], noFlags, io)).toBe(0);
		expect(io.lines[0]).toBe('read-write, through the VIP: postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=/etc/company/ca.pem');
	});

	it('a failed install is exit 1 and says how to carry on', async () => {
		const {example} = await import('../answers/fixtures.js');
		fake.result = {kind: 'installed', ok: false, stopped: false, logFile: '/tmp/install.log', answersFile: '', answers: example('seed-topology')};
		const io = captureIo({}, true);
		expect(await main([], noFlags, io)).toBe(1);
		expect(io.stderr()).toContain('pgha install --cluster produccion');
	});

	it('leaving without installing is exit 0', async () => {
		fake.result = {kind: 'quit'};
		expect(await main([], noFlags, captureIo({}, true))).toBe(0);
	});
});

import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Wizard} from '../../../source/ui/wizard.js';
import type {AnswersInput} from '../../../source/answers/schema.js';
import {drive, fakeServices, wizardAt} from '../helpers.js';

afterEach(cleanup);

const atSsh = (keys?: string[]) => drive(<Wizard services={fakeServices({keys})} initialState={wizardAt('ssh')} onConfirm={() => {}} onLeave={() => {}} />);

describe('SSH step', () => {
	it('offers the keys found in ~/.ssh and another file', async () => {
		const ui = atSsh();
		expect(await ui.waitFor('2/9 SSH access')).toContain('~/.ssh/id_ed25519');
		expect(ui.lastFrame()).toContain('2 key(s) found');
		await ui.press('down', 'down', 'down', 'right');
		await ui.waitFor('~/.ssh/id_rsa');
		await ui.press('right');
		await ui.waitFor('Key file path');
	});

	it('refuses to go on without a key file', async () => {
		const ui = atSsh();
		await ui.waitFor('2/9 SSH access');
		await ui.press('down', 'down', 'down', 'right', 'right');
		await ui.waitFor('Key file path');
		await ui.press('down', 'down', 'enter');
		expect(await ui.waitFor('is missing; pick a key')).toContain('2/9 SSH access');
	});

	it('asks for a masked password when logging in with one, and for sudo when not root', async () => {
		const ui = atSsh();
		await ui.waitFor('2/9 SSH access');
		await ui.press('backspace', 'backspace', 'backspace', 'backspace');
		await ui.type('debian');
		await ui.waitFor('sudo password');
		await ui.press('down', 'down', 'right', 'right');
		await ui.waitFor('SSH password');
		await ui.press('down');
		await ui.type('Hunter2-secret');
		await ui.press('down');
		await ui.type('Sudo-Secret-42');
		const frame = await ui.waitFor('**************');
		expect(frame).toContain('leave empty when sudo needs no password');
		expect(ui.everything()).not.toContain('Hunter2-secret');
		expect(ui.everything()).not.toContain('Sudo-Secret-42');
	});

	it('passes the SSH settings typed to the host checks', async () => {
		const seen: Array<AnswersInput['ssh']> = [];
		const services = fakeServices();
		const checkHost = services.checkHost;
		services.checkHost = async (ip, ssh) => {
			seen.push(ssh);
			return checkHost(ip, ssh);
		};
		const state = wizardAt('ssh');
		const ui = drive(<Wizard services={services} initialState={{...state, hosts: state.hosts.map(h => ({...h, ip: h.name === 'postgres1' ? '192.168.100.1' : ''}))}} onConfirm={() => {}} onLeave={() => {}} />);
		await ui.waitFor('2/9 SSH access');
		await ui.press('down', 'backspace', 'backspace');
		await ui.type('2222');
		await ui.press('down', 'right');
		await ui.waitFor('the SSH agent');
		await ui.press('down', 'enter');
		await ui.waitFor('3/9 Hosts');
		await ui.waitFor('accept key');
		expect(seen[0]).toMatchObject({user: 'root', port: 2222, agent: true});
		expect(seen[0]).not.toHaveProperty('identityFile');
	});

	it('goes back to the cluster step and forward again with everything kept', async () => {
		const ui = atSsh();
		await ui.waitFor('2/9 SSH access');
		await ui.press('down', 'backspace', 'backspace');
		await ui.type('2200');
		await ui.press('escape');
		expect(await ui.waitFor('1/9 Cluster')).toContain('produccion');
		await ui.press('down', 'down', 'enter');
		expect(await ui.waitFor('2/9 SSH access')).toContain('2200');
	});
});

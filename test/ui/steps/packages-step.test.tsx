import {homedir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {BundleInspection, InstallRequest} from '../../../source/app/services.js';
import {Wizard} from '../../../source/ui/wizard.js';
import {drive, fakeServices, wizardAt} from '../helpers.js';

afterEach(cleanup);

// Ink wraps long lines at the terminal's width: the words are read with the line breaks taken out.
const words = (frame: string) => frame.replace(/\s+/g, ' ');

const bundleFile = join(homedir(), 'pgha-bundle.tar');
const found: BundleInspection = {ok: true, summary: `bundle file ${bundleFile} (412 MB)`};

const atPackages = (services = fakeServices(), onConfirm: (request: InstallRequest) => void = () => {}) => ({
	services,
	ui: drive(<Wizard services={services} initialState={wizardAt('packages')} onConfirm={onConfirm} onLeave={() => {}} />),
});

// Inspections that wait until the test answers them, by path.
const heldInspections = () => {
	const services = fakeServices();
	const waiting = new Map<string, (result: BundleInspection) => void>();
	services.inspectBundle = path => {
		services.calls.inspectBundle.push(path);
		return new Promise(resolve => waiting.set(path, resolve));
	};
	return {services, waiting};
};

describe('packages step', () => {
	it('comes after the network, takes the Debian mirror by default and passes Next with it', async () => {
		const {ui, services} = atPackages();
		const frame = await ui.waitFor('5/9 Packages');
		expect(frame).toMatch(/› Packages from\s+‹ Debian mirror the hosts reach ›/);
		expect(words(frame)).toContain('the hosts install with apt from the Debian archives they are set up for');
		expect(frame).not.toContain('Bundle file');
		await ui.press('enter', 'enter');
		await ui.waitFor('6/9 Passwords');
		expect(services.calls.inspectBundle).toEqual([]);
	});

	it('asks for the file once the bundle is chosen, and refuses Next while the path is empty', async () => {
		const {ui, services} = atPackages();
		await ui.waitFor('5/9 Packages');
		await ui.press('right');
		const frame = await ui.waitFor('Bundle file');
		expect(frame).toContain('‹ a bundle file here ›');
		expect(words(frame)).toContain('for hosts with no Internet: everything they install comes from a bundle file on this machine');
		await ui.press('down', 'down');
		await ui.waitFor('› Next');
		await ui.press('enter');
		await ui.waitFor(frame => words(frame).includes('is missing; type the path of the bundle file on this machine, or choose the Debian mirror'));
		expect(ui.lastFrame()).toContain('5/9 Packages');
		expect(services.calls.inspectBundle).toEqual([]);
	});

	it('checks the path once typing stops, shows the summary in green and then lets Next on', async () => {
		const {ui, services} = atPackages(fakeServices({bundles: {'~/pgha-bundle.tar': found}}));
		await ui.waitFor('5/9 Packages');
		await ui.press('right', 'down');
		// Typed in two goes: only the path typing stopped at is checked.
		await ui.type('~/pgha-');
		await ui.type('bundle.tar');
		expect(await ui.waitFor(`✓ bundle file ${bundleFile} (412 MB)`)).toContain('5/9 Packages');
		expect(services.calls.inspectBundle).toEqual(['~/pgha-bundle.tar']);
		await ui.press('down', 'enter');
		await ui.waitFor('6/9 Passwords');
	});

	it('shows why a path cannot be used in red, and keeps Next closed', async () => {
		const {ui, services} = atPackages();
		await ui.waitFor('5/9 Packages');
		await ui.press('right', 'down');
		await ui.type('/srv/nothing.tar');
		const frame = await ui.waitFor('✗ no file at /srv/nothing.tar');
		expect(frame).toContain('Check again');
		// Down passes Check again on the way to Next.
		await ui.press('down', 'down');
		await ui.waitFor('› Next');
		await ui.press('enter');
		await ui.waitFor(frame => frame.includes('5/9 Packages') && /› Bundle file/.test(frame));
		expect(ui.lastFrame()).toContain('✗ no file at /srv/nothing.tar');
		expect(ui.lastFrame()).not.toContain('6/9');
		expect(services.calls.inspectBundle).toEqual(['/srv/nothing.tar']);
	});

	it('says it is checking meanwhile, refuses Next until the check is done, and checks again on request', async () => {
		const {services, waiting} = heldInspections();
		const {ui} = atPackages(services);
		await ui.waitFor('5/9 Packages');
		await ui.press('right', 'down');
		await ui.type('/srv/bundle.tar');
		await ui.waitFor('checking…');
		await ui.press('down', 'enter');
		await ui.waitFor(frame => frame.includes('5/9 Packages') && /› Bundle file/.test(frame));
		waiting.get('/srv/bundle.tar')!({ok: false, message: '/srv/bundle.tar cannot be read'});
		await ui.waitFor('✗ /srv/bundle.tar cannot be read');
		await ui.press('down', 'enter');
		await ui.waitFor('checking…');
		expect(services.calls.inspectBundle).toEqual(['/srv/bundle.tar', '/srv/bundle.tar']);
		waiting.get('/srv/bundle.tar')!({ok: true, summary: 'bundle file /srv/bundle.tar (3.2 MB)'});
		await ui.waitFor('✓ bundle file /srv/bundle.tar (3.2 MB)');
	});

	it('never shows the result of a path that has since changed', async () => {
		const {services, waiting} = heldInspections();
		const {ui} = atPackages(services);
		await ui.waitFor('5/9 Packages');
		await ui.press('right', 'down');
		await ui.type('/srv/old.tar');
		await ui.waitFor('checking…');
		await ui.type('x');
		await ui.waitFor(() => services.calls.inspectBundle.length === 2);
		waiting.get('/srv/old.tar')!({ok: true, summary: 'bundle file /srv/old.tar (1.0 MB)'});
		await ui.waitFor('checking…');
		waiting.get('/srv/old.tarx')!({ok: false, message: 'no file at /srv/old.tarx'});
		await ui.waitFor('✗ no file at /srv/old.tarx');
		expect(ui.everything()).not.toContain('bundle file /srv/old.tar (1.0 MB)');
	});

	it('hands the bundle to the install as an absolute path, and the review names it', async () => {
		let confirmed: InstallRequest | undefined;
		const {ui} = atPackages(fakeServices({bundles: {'~/pgha-bundle.tar': found}}), request => (confirmed = request));
		await ui.waitFor('5/9 Packages');
		await ui.press('right', 'down');
		await ui.type('~/pgha-bundle.tar');
		await ui.waitFor('✓ bundle file');
		await ui.press('down', 'enter');
		await ui.waitFor('6/9 Passwords');
		await ui.press('enter', 'enter');
		await ui.waitFor('7/9 Backups');
		await ui.press('enter', 'enter', 'enter');
		await ui.waitFor('8/9 Failover');
		await ui.press('enter', 'enter', 'enter');
		const review = await ui.waitFor('9/9 Review');
		expect(review).toMatch(new RegExp(`Packages\\s+bundle ${bundleFile.replaceAll('.', '\\.')}`));
		await ui.press('enter');
		await ui.waitFor(() => confirmed !== undefined);
		expect(confirmed!.input.packages).toEqual({source: 'bundle', bundle: bundleFile});
		expect(confirmed!.answers.packages).toEqual({source: 'bundle', bundle: bundleFile});
	});

	it('keeps the path typed when the mirror is chosen and the bundle again, and goes back with Esc', async () => {
		const {ui} = atPackages(fakeServices({bundles: {'/srv/bundle.tar': {ok: true, summary: 'bundle file /srv/bundle.tar (3.2 MB)'}}}));
		await ui.waitFor('5/9 Packages');
		await ui.press('right', 'down');
		await ui.type('/srv/bundle.tar');
		await ui.waitFor('✓ bundle file /srv/bundle.tar');
		await ui.press('up', 'left');
		await ui.waitFor(frame => !frame.includes('Bundle file'));
		await ui.press('right');
		expect(await ui.waitFor('✓ bundle file /srv/bundle.tar')).toContain('/srv/bundle.tar');
		await ui.press('escape');
		await ui.waitFor('4/9 Network');
	});
});

import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {validateAnswers} from '../../source/answers/load.js';
import {DoneScreen} from '../../source/ui/done-screen.js';
import {toAnswersInput} from '../../source/ui/wizard-answers.js';
import {drive, wizardAt} from './helpers.js';

afterEach(cleanup);

describe('done screen', () => {
	it('shows how to connect, where things were saved and what to run next', async () => {
		const parsed = validateAnswers(toAnswersInput(wizardAt('review')), {});
		if (!parsed.ok) throw new Error('invalid answers');
		let left = false;
		const ui = drive(<DoneScreen answers={parsed.answers} logFile="/var/log/pgha/install.log" answersFile="/root/.config/pgha/clusters/produccion.json" onLeave={() => (left = true)} />);
		const frame = await ui.waitFor('is installed');
		const joined = frame.replace(/\n\s*/g, '');
		expect(joined).toContain('postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=/root/.config/pgha/clusters/produccion.keys/ca.crt');
		expect(joined).toContain('postgresql://aplicacion@192.168.100.56:5001/aplicacion?sslmode=verify-full&sslrootcert=/root/.config/pgha/clusters/produccion.keys/ca.crt');
		// No client networks in these answers: no multi-host strings through PgBouncer.
		expect(joined).not.toContain('target_session_attrs');
		const words = frame.replace(/\s+/g, ' ');
		expect(words).toMatch(/Every port speaks TLS; clients check the server against the cluster CA ?\/root\/.config\/pgha\/clusters\/produccion\.keys\/ca\.crt/);
		// The stats page is on each balancer's own address, over HTTPS, behind a password.
		expect(words).toMatch(/HAProxy statistics \(user admin, PGHA_HAPROXY_STATS_PASSWORD\): ?https:\/\/192\.168\.100\.5:7000\/ +https:\/\/192\.168\.100\.6:7000\//);
		expect(joined).toContain('/root/.config/pgha/clusters/produccion.secrets.json');
		expect(frame).toContain('/var/log/pgha/install.log');
		expect(frame).toContain('pgha verify --cluster produccion');
		expect(frame).toContain('pgha status --cluster produccion');
		await ui.press('enter');
		await ui.waitFor(() => left);
	});
});

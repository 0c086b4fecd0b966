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
		const ui = drive(<DoneScreen answers={parsed.answers} logFile="/var/log/pgha/install.log" answersFile="/root/.config/pgha/produccion.yaml" onLeave={() => (left = true)} />);
		const frame = await ui.waitFor('is installed');
		expect(frame).toContain('postgresql://aplicacion@192.168.100.56:5000/aplicacion');
		expect(frame).toContain('postgresql://aplicacion@192.168.100.56:5001/aplicacion');
		expect(frame.replace(/\n\s*/g, '')).toContain('192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=read-write');
		expect(frame.replace(/\n\s*/g, '')).toContain('target_session_attrs=prefer-standby');
		expect(frame).toContain('/root/.config/pgha/produccion.yaml');
		expect(frame).toContain('/var/log/pgha/install.log');
		expect(frame).toContain('pgha verify --cluster produccion');
		expect(frame).toContain('pgha status --cluster produccion');
		await ui.press('enter');
		await ui.waitFor(() => left);
	});
});

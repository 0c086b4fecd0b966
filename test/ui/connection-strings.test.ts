import {describe, expect, it} from 'vitest';
import {validateAnswers} from '../../source/answers/load.js';
import {connectionStrings} from '../../source/ui/connection-strings.js';
import {toAnswersInput} from '../../source/ui/wizard-answers.js';
import {wizardAt} from './helpers.js';

describe('connectionStrings', () => {
	it('gives the VIP ports and libpq multi-host strings through PgBouncer', () => {
		const parsed = validateAnswers(toAnswersInput(wizardAt('review')), {});
		if (!parsed.ok) throw new Error('invalid answers');
		expect(connectionStrings(parsed.answers).map(c => c.url)).toEqual([
			'postgresql://aplicacion@192.168.100.56:5000/aplicacion',
			'postgresql://aplicacion@192.168.100.56:5001/aplicacion',
			'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=read-write',
			'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=prefer-standby',
		]);
	});
});

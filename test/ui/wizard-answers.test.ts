import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {validateAnswers} from '../../source/answers/load.js';
import {toAnswersInput} from '../../source/ui/wizard-answers.js';
import type {WizardState} from '../../source/ui/wizard-model.js';
import {reduceWizard, type WizardAction} from '../../source/ui/wizard-state.js';
import {wizardAt} from './helpers.js';

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(reduceWizard, state);

describe('toAnswersInput: packages', () => {
	it('leaves the packages section out with the mirror, the answer file\'s default', () => {
		const input = toAnswersInput(wizardAt('review'));
		expect(input.packages).toBeUndefined();
		const result = validateAnswers(input, {});
		expect(result.ok && result.answers.packages).toEqual({source: 'mirror'});
	});

	it('writes a chosen bundle with its path made absolute, and the answers validate', () => {
		const state = run(wizardAt('review'), {type: 'set-packages', packages: {source: 'bundle', bundle: ' ~/bundles/pgha.tar '}});
		const input = toAnswersInput(state);
		const file = join(homedir(), 'bundles', 'pgha.tar');
		expect(input.packages).toEqual({source: 'bundle', bundle: file});
		const result = validateAnswers(input, {});
		expect(result.ok && result.answers.packages).toEqual({source: 'bundle', bundle: file});
	});

	it('takes a relative path from the working directory', () => {
		const state = run(wizardAt('review'), {type: 'set-packages', packages: {source: 'bundle', bundle: 'pgha.tar'}});
		expect(toAnswersInput(state).packages).toEqual({source: 'bundle', bundle: resolve('pgha.tar')});
	});

	it('leaves the bundle out once the mirror is chosen again, keeping the path typed for a switch back', () => {
		const state = run(wizardAt('review'), {type: 'set-packages', packages: {source: 'bundle', bundle: '/srv/pgha.tar'}}, {type: 'set-packages', packages: {source: 'mirror'}});
		expect(state.packages.bundle).toBe('/srv/pgha.tar');
		expect(toAnswersInput(state).packages).toBeUndefined();
	});

	it('judges the steps before the packages step with the default in its place', () => {
		const state = run(wizardAt('network'), {type: 'set-packages', packages: {source: 'bundle', bundle: '/srv/pgha.tar'}});
		expect(toAnswersInput(state, {placeholdersAfter: 'network'}).packages).toBeUndefined();
		expect(toAnswersInput(state, {placeholdersAfter: 'packages'}).packages).toEqual({source: 'bundle', bundle: '/srv/pgha.tar'});
	});
});

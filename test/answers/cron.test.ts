import {describe, expect, it} from 'vitest';
import {isValidCron} from '../../source/answers/cron.js';

describe('isValidCron', () => {
	it.each(['0 1 * * 0', '0 1 * * 1-6', '*/15 * * * *', '30 2 1,15 * mon-fri', '0 0 * jan sun', '@weekly', '0 0 * * 7'])('accepts %s', expression => {
		expect(isValidCron(expression)).toBeUndefined();
	});

	it.each([
		['0 1 * *', /has 4 fields/],
		['60 1 * * 0', /outside 0-59/],
		['0 24 * * 0', /outside 0-23/],
		['0 1 0 * *', /outside 1-31/],
		['0 1 * 13 *', /outside 1-12/],
		['0 1 * * 8', /outside 0-7/],
		['0 1 * * 5-2', /runs backwards/],
		['*/0 * * * *', /step below 1/],
		['0 1 L * *', /must be/],
		['0 0 1 * * *', /has 6 fields/],
	])('refuses %s', (expression, why) => {
		expect(isValidCron(expression)).toMatch(why);
	});
});

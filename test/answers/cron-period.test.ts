import {describe, expect, it} from 'vitest';
import {cronPeriodSeconds} from '../../source/answers/cron-period.js';
import {isValidCron} from '../../source/answers/cron.js';

const hour = 3600;
const day = 24 * hour;

describe('cronPeriodSeconds', () => {
	it.each([
		['0 5 * * 0', 7 * day],
		['@weekly', 7 * day],
		['0 1 * * 1-6', 2 * day],
		['*/15 * * * *', 15 * 60],
		['@midnight', day],
		['@hourly', hour],
		// Vixie cron runs when either day field matches: the 1st, the 15th or any Sunday.
		['0 5 1,15 * 7', 7 * day],
		// Only months with 31 days: 31 July to 31 August is the shortest gap, August to October the longest.
		['0 5 31 * *', 61 * day],
		// Every minute of one hour a day: the gap is the rest of the day.
		['* 5 * * *', 23 * hour + 60],
		// 29 February: four years from one leap day to the next.
		['0 0 29 2 *', (4 * 365 + 1) * day],
		['  0   5 * *  sun ', 7 * day],
	])('%s runs at least every %i s', (expression, seconds) => {
		expect(cronPeriodSeconds(expression)).toBe(seconds);
	});

	it('reads every form the answers accept', () => {
		for (const expression of ['@yearly', '@annually', '@monthly', '@daily', '0 0 * JAN SUN', '30 2 1,15 * mon-fri', '0 0 1-31/2 * *', '0 0 * * 7'])
			expect(isValidCron(expression) === undefined && cronPeriodSeconds(expression) > 0, expression).toBe(true);
	});
});

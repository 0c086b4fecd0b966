import {CronExpressionParser} from 'cron-parser';

// A fixed start makes the answer depend on the expression alone: the same
// schedule always has the same period, wherever and whenever it is judged.
const from = Date.UTC(2024, 0, 1);
// Four years and a day cover every gap a five-field schedule can have (29 February).
const span = (4 * 366 + 1) * 86_400_000;
// Enough runs to see every gap of a schedule that runs often (every minute of one hour, say).
const maxRuns = 3_000;
const known = new Map<string, number>();

/**
 * The longest time between two consecutive runs of a cron schedule, in
 * seconds: for "0 5 * * 0" a week, for "0 5 31 * *" the two months from 31
 * July to 31 August... to 31 October. Computed in UTC (the hosts' time zone
 * moves runs by hours at most, which is far below what this is used for).
 * Throws for an expression cron-parser cannot read; the schema's cron check
 * refuses those first.
 */
export function cronPeriodSeconds(expression: string): number {
	// cron-parser knows every macro Debian's cron does but @midnight, which is @daily.
	const text = expression.trim().split(/\s+/).join(' ').replace(/^@midnight$/, '@daily');
	const cached = known.get(text);
	if (cached !== undefined) return cached;
	const runs = CronExpressionParser.parse(text, {currentDate: new Date(from), tz: 'UTC'});
	let previous = runs.next().getTime();
	let longest = 0;
	for (let i = 0; i < maxRuns; i++) {
		const next = runs.next().getTime();
		longest = Math.max(longest, next - previous);
		previous = next;
		if (next - from > span) break;
	}
	const seconds = Math.round(longest / 1000);
	known.set(text, seconds);
	return seconds;
}

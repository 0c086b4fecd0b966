// Debian's cron (Vixie cron) syntax only: libraries that also accept seconds,
// L, W or # would let through schedules the repository host's cron rejects.
const fields = [
	{name: 'minute', min: 0, max: 59},
	{name: 'hour', min: 0, max: 23},
	{name: 'day of month', min: 1, max: 31},
	{name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']},
	{name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']},
] as const;

const macros = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Checks a five-field cron expression; returns why it is invalid, or undefined. */
export function isValidCron(expression: string): string | undefined {
	const text = expression.trim();
	if (macros.has(text)) return undefined;
	const parts = text.split(/\s+/);
	if (parts.length !== 5) return `has ${parts.length} fields, cron needs 5: minute hour day month weekday`;
	for (const [index, part] of parts.entries()) {
		const field = fields[index]!;
		for (const item of part.split(',')) {
			const why = checkItem(item, field);
			if (why) return `${field.name} "${item}" ${why}`;
		}
	}
	return undefined;
}

function checkItem(item: string, field: (typeof fields)[number]): string | undefined {
	const [range, step, extra] = item.split('/');
	if (extra !== undefined) return 'has more than one /';
	if (step !== undefined && !/^\d+$/.test(step)) return 'has a step that is not a number';
	if (step !== undefined && Number(step) < 1) return 'has a step below 1';
	if (range === '*') return undefined;
	const ends = range!.split('-');
	if (ends.length > 2) return 'is not a value or a range a-b';
	const values = ends.map(end => toNumber(end, field));
	if (values.some(v => v === undefined)) return `must be ${field.min}-${field.max}`;
	if (values.some(v => v! < field.min || v! > field.max)) return `is outside ${field.min}-${field.max}`;
	if (values.length === 2 && values[0]! > values[1]!) return 'is a range that runs backwards';
	return undefined;
}

function toNumber(text: string, field: (typeof fields)[number]): number | undefined {
	if (/^\d+$/.test(text)) return Number(text);
	const names: readonly string[] = 'names' in field ? field.names : [];
	const index = names.indexOf(text.toLowerCase());
	if (index < 0) return undefined;
	return field.name === 'month' ? index + 1 : index;
}

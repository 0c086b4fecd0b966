import catalogue from './pg15-parameters.json' with {type: 'json'};

/** One PostgreSQL 15 parameter as pg_settings describes it (scripts/pg15-parameters.mjs writes the table). */
export type ParameterSpec = {
	context: string;
	type: 'bool' | 'integer' | 'real' | 'string' | 'enum';
	unit?: string;
	min?: number;
	max?: number;
	values?: string[];
	boot?: string;
};

/** A parameter's value as the answers may give it. */
export type ParameterValue = string | number | boolean;

const specs = catalogue.parameters as Record<string, ParameterSpec>;
// PostgreSQL reads parameter names without regard to case (DateStyle, datestyle).
const byLowerName = new Map(Object.entries(specs).map(([name, spec]) => [name.toLowerCase(), {name, spec}]));

/** The catalogue entry of a parameter, found as PostgreSQL finds it (any case). */
export function findParameter(name: string): {name: string; spec: ParameterSpec} | undefined {
	return byLowerName.get(name.toLowerCase());
}

/**
 * Parameters pgha sets itself, each with why: Patroni's configuration, TLS,
 * archiving through pgBackRest and replication depend on them, so an answer
 * may not change them.
 */
const managed: Array<[RegExp, string]> = [
	[/^(listen_addresses|port)$/, 'Patroni sets it from the host\'s address and port 5432'],
	[/^ssl/, 'pgha keeps TLS on with the cluster CA\'s certificates'],
	[/^(archive_mode|archive_command|archive_library|restore_command|archive_cleanup_command)$/, 'pgha archives WAL and restores through pgBackRest'],
	[/^(wal_level|hot_standby|max_wal_senders|max_replication_slots|wal_keep_size|wal_log_hints)$/, 'replication and failover (Patroni, pg_rewind) depend on pgha\'s value'],
	[/^(primary_conninfo|primary_slot_name|recovery_target.*|promote_trigger_file|cluster_name|synchronous_standby_names)$/, 'Patroni sets it on each member'],
	[/^(unix_socket_directories|unix_socket_group|unix_socket_permissions|data_directory|hba_file|ident_file|config_file|external_pid_file)$/, 'pgha and Patroni place PostgreSQL\'s files and socket'],
	[/^password_encryption$/, 'pgha keeps scram-sha-256 for every role'],
];

/** Why pgha sets a parameter itself, or undefined when the answers may set it. */
export function managedReason(name: string): string | undefined {
	const lower = name.toLowerCase();
	return managed.find(([re]) => re.test(lower))?.[1];
}

const memoryUnits: Record<string, number> = {B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4};
const timeUnits: Record<string, number> = {us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000};

/** The size of a parameter's base unit in bytes or milliseconds ("8kB" is 8192 bytes), and which kind it is. */
function baseUnit(unit: string | undefined): {kind: 'memory' | 'time'; size: number} | undefined {
	if (!unit) return undefined;
	const match = /^(\d*)(B|kB|MB|GB|TB|us|ms|s|min|h|d)$/.exec(unit);
	if (!match) return undefined;
	const times = match[1] ? Number(match[1]) : 1;
	const name = match[2]!;
	return name in memoryUnits ? {kind: 'memory', size: times * memoryUnits[name]!} : {kind: 'time', size: times * timeUnits[name]!};
}

// PostgreSQL's parse_bool: the words and their unique prefixes (o alone is neither on nor off).
function parseBool(text: string): boolean | undefined {
	const t = text.trim().toLowerCase();
	if (!t) return undefined;
	if (t.length >= 2 && 'on'.startsWith(t)) return true;
	if (t.length >= 2 && 'off'.startsWith(t)) return false;
	if (['true', 'yes'].some(w => w.startsWith(t)) || t === '1') return true;
	if (['false', 'no'].some(w => w.startsWith(t)) || t === '0') return false;
	return undefined;
}

/** A value read as PostgreSQL reads it, in the parameter's base unit, or why it is refused. */
export type ParsedValue = {ok: true; value: boolean | number | string} | {ok: false; message: string};

const unitHint = (kind: 'memory' | 'time') => (kind === 'memory' ? 'B, kB, MB, GB or TB, e.g. "256MB"' : 'us, ms, s, min, h or d, e.g. "5min" or "30s"');

// In the parameter's own unit, as pg_settings shows it: 10s, 64kB, or 16 × 8kB for a unit of 8 kB blocks.
const showBase = (value: number, unit: string | undefined) => (!unit ? String(value) : /^\d/.test(unit) ? `${value} × ${unit}` : `${value}${unit}`);

/**
 * Reads a value as PostgreSQL 15 would: booleans as on/off/true/false/yes/no,
 * numbers with an optional unit converted to the parameter's base unit and
 * rounded like PostgreSQL's parse_int, then checked against min and max;
 * an enum by its allowed values (any case). Pure.
 */
export function parseParameterValue(spec: ParameterSpec, given: ParameterValue): ParsedValue {
	const text = typeof given === 'boolean' ? (given ? 'on' : 'off') : String(given);
	if (/[\u0000-\u001f\u007f]/.test(text)) return {ok: false, message: 'contains a newline or control character; write the value on one line'};
	switch (spec.type) {
		case 'bool': {
			const value = parseBool(text);
			return value === undefined ? {ok: false, message: `must be a boolean: on or off (true/false and yes/no too), not ${JSON.stringify(given)}`} : {ok: true, value};
		}
		case 'enum': {
			const values = spec.values ?? [];
			const found = values.find(v => v.toLowerCase() === text.trim().toLowerCase());
			return found === undefined ? {ok: false, message: `must be one of ${values.join(', ')}, not ${JSON.stringify(given)}`} : {ok: true, value: found};
		}
		case 'string':
			return {ok: true, value: text};
		case 'integer':
		case 'real': {
			const unit = baseUnit(spec.unit);
			const match = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
			if (!match) return {ok: false, message: `must be ${spec.type === 'integer' ? 'a whole number' : 'a number'}${unit ? ` with an optional unit (${unitHint(unit.kind)})` : ''}, not ${JSON.stringify(given)}`};
			let value = Number(match[1]);
			const written = match[2] ?? '';
			if (written) {
				if (!unit) return {ok: false, message: `takes no unit; write a plain number, not ${JSON.stringify(given)}`};
				const table = unit.kind === 'memory' ? memoryUnits : timeUnits;
				if (!(written in table)) return {ok: false, message: `has unit "${written}", which is not a ${unit.kind} unit PostgreSQL reads; use ${unitHint(unit.kind)} (case matters)`};
				value = (value * table[written]!) / unit.size;
			}
			if (spec.type === 'integer') value = Math.round(value);
			const limits = `${showBase(spec.min ?? -Infinity, spec.unit)} to ${showBase(spec.max ?? Infinity, spec.unit)}`;
			if (spec.min !== undefined && value < spec.min) return {ok: false, message: `is ${showBase(value, spec.unit)}, below the minimum; PostgreSQL 15 takes ${limits}`};
			if (spec.max !== undefined && value > spec.max) return {ok: false, message: `is ${showBase(value, spec.unit)}, above the maximum; PostgreSQL 15 takes ${limits}`};
			return {ok: true, value};
		}
	}
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const kept = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = kept;
		}
	}
	return row[b.length]!;
}

/** The known parameter closest to a misspelt name. */
export function closestParameter(name: string): string {
	const lower = name.toLowerCase();
	let best = '';
	let bestScore = Infinity;
	for (const known of Object.keys(specs)) {
		const score = distance(lower, known.toLowerCase());
		if (score < bestScore) [best, bestScore] = [known, score];
	}
	return best;
}

/** What is wrong with one parameter of the answers, or undefined when PostgreSQL 15 takes it and pgha lets it be set. Pure. */
export function parameterProblem(name: string, value: ParameterValue): string | undefined {
	const found = findParameter(name);
	if (!found) return `is not a PostgreSQL 15 parameter; did you mean ${closestParameter(name)}?`;
	const reason = managedReason(found.name);
	if (reason) return `is set by pgha itself (${reason}); remove it from postgresql.parameters`;
	if (found.spec.context === 'internal') return `is read-only: PostgreSQL fixes it when it is built or at initdb; remove it`;
	const parsed = parseParameterValue(found.spec, value);
	return parsed.ok ? undefined : parsed.message;
}

/** True when PostgreSQL takes a new value of this parameter only at a restart (context postmaster). */
export function needsRestart(name: string): boolean {
	return findParameter(name)?.spec.context === 'postmaster';
}

/**
 * A value as PostgreSQL normalises it, for comparing what is set with what
 * is wanted: "128MB" and 16384 are the same shared_buffers. A value that
 * does not parse is compared as written. Pure.
 */
export function normaliseParameter(name: string, value: unknown): string {
	const found = findParameter(name);
	const given = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
	if (!found) return String(given);
	const parsed = parseParameterValue(found.spec, given);
	if (!parsed.ok) return String(given);
	if (typeof parsed.value === 'boolean') return parsed.value ? 'on' : 'off';
	return typeof parsed.value === 'number' ? String(parsed.value) : found.spec.type === 'enum' ? parsed.value.toLowerCase() : parsed.value;
}

/** The catalogue's source: which PostgreSQL the table was read from. */
export const catalogueSource: string = catalogue.source;

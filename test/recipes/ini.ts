/**
 * Reads INI text the way pgBackRest and PgBouncer do: `[section]` headers,
 * `key=value` split at the first "=", both sides trimmed, whole-line comments.
 */
export function parseIni(text: string): Record<string, Record<string, string>> {
	const out: Record<string, Record<string, string>> = {};
	let section = '';
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
		const header = /^\[(.+)\]$/.exec(line);
		if (header) {
			section = header[1]!;
			out[section] ??= {};
			continue;
		}
		const eq = line.indexOf('=');
		if (eq < 0) throw new Error(`not a key=value line: ${line}`);
		const key = line.slice(0, eq).trim();
		if (out[section]![key] !== undefined) throw new Error(`duplicate key ${key} in [${section}]`);
		out[section]![key] = line.slice(eq + 1).trim();
	}
	return out;
}

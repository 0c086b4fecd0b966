/**
 * apt's Packages index: deb822 stanzas, one per .deb, separated by blank
 * lines. Only what a bundle needs: split, read a field, set a field, filter.
 */

/** The stanzas of an index, each without its trailing newline. */
export function splitStanzas(index: string): string[] {
	return index
		.split(/\n[ \t]*\n/)
		.map(stanza => stanza.replace(/^\n+|\n+$/g, ''))
		.filter(stanza => stanza !== '');
}

/** An index made of stanzas, in the order given. */
export function joinStanzas(stanzas: readonly string[]): string {
	return stanzas.map(stanza => `${stanza}\n`).join('\n');
}

/** A single-line field's value (Package, Version, Filename, SHA256...), or undefined. */
export function stanzaField(stanza: string, name: string): string | undefined {
	const lower = name.toLowerCase();
	for (const line of stanza.split('\n')) {
		const colon = line.indexOf(':');
		if (colon > 0 && !/^\s/.test(line) && line.slice(0, colon).toLowerCase() === lower) return line.slice(colon + 1).trim();
	}
	return undefined;
}

/** The stanza with a single-line field set to value: replaced where it is, or added at the end. */
export function withField(stanza: string, name: string, value: string): string {
	const lower = name.toLowerCase();
	const lines = stanza.split('\n');
	const at = lines.findIndex(line => !/^\s/.test(line) && line.slice(0, line.indexOf(':')).toLowerCase() === lower);
	if (at === -1) return `${stanza}\n${name}: ${value}`;
	lines[at] = `${name}: ${value}`;
	return lines.join('\n');
}

/** The index with only the stanzas whose Filename is debs/<one of files>: what a host that needs those files is given. */
export function packagesIndexFor(index: string, files: Set<string>): string {
	return joinStanzas(
		splitStanzas(index).filter(stanza => {
			const filename = stanzaField(stanza, 'Filename');
			return filename !== undefined && filename.startsWith('debs/') && files.has(filename.slice('debs/'.length));
		}),
	);
}

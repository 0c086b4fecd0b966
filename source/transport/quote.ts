/**
 * POSIX single-quoting: safe in dash, bash and every sh the remote login
 * shell might be, unlike bash-only $'..' quoting.
 */
export function shQuote(value: string | number): string {
	const text = String(value);
	if (/^[A-Za-z0-9_\/.:=@%+,-]+$/.test(text)) return text;
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Tagged template that quotes every interpolated value, so recipes can write
 * sh`systemctl restart ${unit}` without thinking about spaces or quotes.
 * Arrays become several quoted words.
 */
export function sh(pieces: TemplateStringsArray, ...args: unknown[]): string {
	let out = pieces[0] ?? '';
	args.forEach((arg, i) => {
		out += Array.isArray(arg) ? arg.map(a => shQuote(String(a))).join(' ') : shQuote(String(arg));
		out += pieces[i + 1] ?? '';
	});
	return out;
}

/**
 * POSIX single-quoting: safe in dash, bash and every sh the remote login
 * shell might be, unlike bash-only $'..' quoting.
 */
export function shQuote(value: string | number): string {
	const text = String(value);
	if (/^[A-Za-z0-9_\/.:=@%+,-]+$/.test(text)) return text;
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

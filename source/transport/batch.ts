import {randomBytes} from 'node:crypto';

/** What one command of a batch left behind (the shape of ssh.ts's BatchResult). */
export type BatchResult = {code: number; stdout: string; stderr: string};

/** One command of a batch: its script and what it reads on stdin. */
export type BatchItem = {script: string; stdin?: string};

/**
 * One bash script that runs every item at once, each in its own `bash -c`
 * with its own stdin (items must not depend on each other: they are checks,
 * which only read), and reports each one's exit code, stdout and stderr on a
 * line of its own, in order (base64, behind a marker no item can print by chance).
 * The whole script travels on stdin, so an item's stdin (a password, a
 * verifier) never reaches a command line. Pure.
 */
export function batchScript(items: readonly BatchItem[], nonce: string): string {
	const lines = ['d=$(mktemp -d) || exit 1', `trap 'rm -rf "$d"' EXIT`];
	// Every item at once (checks only read), each into its own files; the results then in order. A batch
	// holds dozens of checks on every host at once, so the wrapper forks as little as it can: read is a
	// builtin, and only output there is goes through base64.
	items.forEach((item, i) => {
		lines.push(
			`IFS= read -r -d '' s${i} <<'PGHA_SCRIPT_${nonce}' || true`,
			item.script,
			`PGHA_SCRIPT_${nonce}`,
			item.stdin === undefined
				? `{ bash -c "$s${i}" </dev/null >"$d/${i}.out" 2>"$d/${i}.err"; echo $? >"$d/${i}.code"; } &`
				: // base64 keeps stdin byte for byte, whatever lines it holds.
					[
						`{ base64 -d <<'PGHA_STDIN_${nonce}' | bash -c "$s${i}" >"$d/${i}.out" 2>"$d/${i}.err"; echo $? >"$d/${i}.code"; } &`,
						...wrapped(Buffer.from(item.stdin).toString('base64')),
						`PGHA_STDIN_${nonce}`,
					].join('\n'),
		);
	});
	lines.push('wait');
	// An item that never wrote its exit code (the batch was cut short) reports nothing.
	lines.push(
		`res() { local c o= e=; read -r c <"$d/$1.code" 2>/dev/null || return 0; [ ! -s "$d/$1.out" ] || o=$(base64 -w0 <"$d/$1.out"); [ ! -s "$d/$1.err" ] || e=$(base64 -w0 <"$d/$1.err"); printf '\\n%s %d %d %s %s\\n' 'PGHA_RESULT_${nonce}' "$1" "$c" "$o" "$e"; }`,
	);
	items.forEach((_, i) => lines.push(`res ${i}`));
	return `${lines.join('\n')}\n`;
}

const wrapped = (text: string) => text.match(/.{1,76}/g) ?? [];

/** A marker no command prints unless it read this batch's script. */
export function batchNonce(): string {
	return randomBytes(9).toString('hex');
}

/**
 * The items' results from a batch's output, in the items' order. An item
 * with no result line (the batch was cut short) gets exit code 255. Pure.
 */
export function parseBatch(stdout: string, nonce: string, count: number): BatchResult[] {
	const results: BatchResult[] = Array.from({length: count}, () => ({code: 255, stdout: '', stderr: 'the batch ended before this command reported'}));
	const decode = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');
	for (const line of stdout.split('\n')) {
		const [marker, index, code, out, err] = line.split(' ');
		if (marker !== `PGHA_RESULT_${nonce}`) continue;
		const i = Number(index);
		if (!Number.isInteger(i) || i < 0 || i >= count) continue;
		results[i] = {code: Number(code), stdout: decode(out), stderr: decode(err)};
	}
	return results;
}

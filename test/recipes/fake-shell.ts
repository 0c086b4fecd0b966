/** One simple command of a script and how it joins the one before it. */
export type Link = {op: ';' | '&&' | '||'; words: string[]};

/** Decodes the body of a bash $'...' string as zx writes it. */
function decodeAnsi(body: string): string {
	return body.replace(/\\(.)/g, (_, c: string) => ({n: '\n', t: '\t', r: '\r', '0': '\0'})[c] ?? c);
}

/**
 * Splits a command into words the way bash would for the quoting recipes use:
 * '...', "...", $'...' and backslash escapes. Redirections (2>/dev/null, >&3)
 * are dropped: the fake has no file descriptors.
 */
export function words(command: string): string[] {
	const out: string[] = [];
	let word = '';
	let started = false;
	for (let i = 0; i < command.length; i++) {
		const c = command[i]!;
		if (/\s/.test(c)) {
			if (started) out.push(word);
			word = '';
			started = false;
			continue;
		}
		started = true;
		if (c === '$' && command[i + 1] === "'") {
			let j = i + 2;
			let body = '';
			while (j < command.length && command[j] !== "'") {
				if (command[j] === '\\') body += command[j++];
				body += command[j++];
			}
			word += decodeAnsi(body);
			i = j;
		} else if (c === "'") {
			const end = command.indexOf("'", i + 1);
			word += command.slice(i + 1, end);
			i = end;
		} else if (c === '"') {
			let j = i + 1;
			while (j < command.length && command[j] !== '"') {
				if (command[j] === '\\') j++;
				word += command[j++];
			}
			i = j;
		} else if (c === '\\') {
			word += command[++i] ?? '';
		} else word += c;
	}
	if (started) out.push(word);
	return out.filter(w => !/^\d?>/.test(w) && !/^>&/.test(w));
}

/**
 * Splits a script at top-level `;`, `&&`, `||` and newlines (not inside
 * quotes or $(...)), so a sequence of simple commands can be run one by one.
 */
export function links(script: string): Link[] {
	const out: Link[] = [];
	let op: Link['op'] = ';';
	let current = '';
	let quote: string | undefined;
	let depth = 0;
	const flush = (next: Link['op']) => {
		const w = words(current);
		if (w.length > 0) out.push({op, words: w});
		current = '';
		op = next;
	};
	for (let i = 0; i < script.length; i++) {
		const c = script[i]!;
		if (quote) {
			if (c === '\\' && quote !== "'") {
				current += c + (script[++i] ?? '');
				continue;
			}
			if (c === quote) quote = undefined;
			current += c;
			continue;
		}
		if (c === "'" || c === '"') quote = c;
		else if (c === '$' && script[i + 1] === '(') depth++;
		else if (c === ')' && depth > 0) depth--;
		else if (depth === 0 && (c === ';' || c === '\n')) {
			flush(';');
			continue;
		} else if (depth === 0 && (c === '&' || c === '|') && script[i + 1] === c) {
			flush(c === '&' ? '&&' : '||');
			i++;
			continue;
		} else if (depth === 0 && c === '|') throw new Error(`the fake shell runs no pipelines: ${script}`);
		current += c;
	}
	flush(';');
	return out;
}

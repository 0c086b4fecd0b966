import {createInterface} from 'node:readline/promises';

/** Asks a yes/no question on the terminal; only yes proceeds. */
export async function confirm(question: string): Promise<boolean> {
	const rl = createInterface({input: process.stdin, output: process.stdout});
	try {
		return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
	} finally {
		rl.close();
	}
}

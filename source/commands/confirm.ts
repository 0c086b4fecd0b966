import {createInterface} from 'node:readline/promises';

/** Asks on the terminal for a line to be typed (a cluster's name, a value) and returns it as typed. */
export async function ask(question: string): Promise<string> {
	const rl = createInterface({input: process.stdin, output: process.stdout});
	try {
		return await rl.question(`${question} `);
	} finally {
		rl.close();
	}
}

/** Asks a yes/no question on the terminal; only yes proceeds. */
export async function confirm(question: string): Promise<boolean> {
	return /^y(es)?$/i.test((await ask(`${question} [y/N]`)).trim());
}

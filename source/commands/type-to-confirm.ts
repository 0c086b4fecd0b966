import {createInterface} from 'node:readline/promises';

/** Asks on the terminal for a line to be typed (a cluster's name) and returns it. */
export async function askToType(question: string): Promise<string> {
	const rl = createInterface({input: process.stdin, output: process.stdout});
	try {
		return await rl.question(`${question} `);
	} finally {
		rl.close();
	}
}

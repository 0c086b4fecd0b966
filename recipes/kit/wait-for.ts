/**
 * Polls `probe` until it returns true; fails with a readable message after the
 * timeout. The one wait pgha uses, in steps, verify and repair alike. A probe
 * is one short command over an open connection, so polling often costs little
 * and a person waits at most a quarter second past the moment it holds.
 */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 250): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await probe().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`gave up waiting ${Math.round(timeoutMs / 1000)} s for ${what}`);
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}

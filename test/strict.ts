/**
 * PGHA_TEST_STRICT=1 (CI sets it) turns every "cannot run here" into a failure:
 * a skipped check proves nothing, and a CI run that skips passes without it.
 */
export const strict = process.env['PGHA_TEST_STRICT'] === '1';

/** The error a test throws instead of skipping under PGHA_TEST_STRICT=1. */
export function strictFailure(reason: string): Error {
	return new Error(`PGHA_TEST_STRICT=1 forbids skipping, and this test cannot run here: ${reason}`);
}

/** Skips the running test with `reason`, or fails it with the same reason under PGHA_TEST_STRICT=1. */
export function skipOrFail(ctx: {skip: (note?: string) => never}, reason: string): never {
	if (strict) throw strictFailure(reason);
	return ctx.skip(reason);
}

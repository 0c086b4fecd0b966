// A namespace import lets the bundler drop what pgha never calls (zod's locales alone are 350 kB).
import * as z from 'zod';
import {roleNames, type Role} from '../answers/schema.js';

/**
 * A package bundle: one uncompressed tar file holding a flat apt repository
 * for hosts with no package source. Inside, under `pgha-bundle/`:
 *   manifest.json  what this file describes
 *   Packages       the apt index; each stanza's Filename is `debs/<file>`
 *   debs/<file>    the .deb files
 */
export const bundleRoot = 'pgha-bundle';

/** The bundle layout version this pgha reads and writes. */
export const bundleFormat = 1;

/** The Debian release pgha installs onto, and so the one a bundle must be made for. */
export const supportedRelease = {codename: 'bookworm', version: '12'} as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, {message: 'must be a SHA-256 in hex'});

/** One .deb in the bundle. */
export const bundleDebSchema = z.strictObject({
	name: z.string().min(1),
	version: z.string().min(1),
	arch: z.string().min(1),
	/** The file's name under debs/. */
	file: z.string().regex(/^[A-Za-z0-9.+~_:%-]+\.deb$/, {message: 'must be a plain .deb file name'}),
	size: z.number().int().nonnegative(),
	sha256,
});
export type BundleDeb = z.infer<typeof bundleDebSchema>;

/** What one role needs: the packages pgha asks for, and every package apt installs for them on an empty system. */
export const bundleRoleSchema = z.strictObject({
	packages: z.array(z.string().min(1)),
	closure: z.array(z.string().min(1)),
});

export const bundleManifestSchema = z.strictObject({
	format: z.literal(bundleFormat),
	createdAt: z.string(),
	/** The pgha version that made it. */
	createdBy: z.string(),
	debian: z.strictObject({
		codename: z.string(),
		version: z.string(),
		/** The point release the mirror served when the bundle was made, e.g. 12.11; informational. */
		pointRelease: z.string().optional(),
	}),
	arch: z.string(),
	/** The archives the packages came from (URIs and suites), for the record. */
	sources: z.array(z.string()),
	roles: z.partialRecord(z.enum(roleNames), bundleRoleSchema),
	packages: z.array(bundleDebSchema),
});
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

/** The bundle's .debs that the given roles need (the union of their closures), or the names it lacks. */
export function debsForRoles(manifest: BundleManifest, roles: readonly Role[]): {debs: BundleDeb[]; missing: string[]} {
	const byName = new Map(manifest.packages.map(deb => [deb.name, deb]));
	const names = new Set<string>();
	const missing: string[] = [];
	for (const role of roles) {
		const entry = manifest.roles[role];
		if (!entry) {
			missing.push(`role ${role}`);
			continue;
		}
		for (const name of entry.closure) names.add(name);
	}
	const debs: BundleDeb[] = [];
	for (const name of [...names].sort()) {
		const deb = byName.get(name);
		if (deb) debs.push(deb);
		else missing.push(name);
	}
	return {debs, missing};
}

/** The version the bundle holds of each package, by name. */
export function bundleVersions(manifest: BundleManifest): Map<string, string> {
	return new Map(manifest.packages.map(deb => [deb.name, deb.version]));
}


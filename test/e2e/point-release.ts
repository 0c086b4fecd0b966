import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {roleNames} from '../../source/answers/schema.js';
import {readBundleManifest} from '../../source/bundle/archive.js';
import {createBundle} from '../../source/bundle/create.js';
import {labArch} from '../../source/lab/lab-bundle.js';
import {labPaths} from '../../source/lab/paths.js';
import {seedWork} from './seed-cluster.js';

/** Debian's point release as a bundle, and the versions a minor upgrade moves its packages to. */
export type PointRelease = {
	file: string;
	/** The version of each package pgha asks for, as the point release holds it. */
	pins: Record<string, string>;
	/** The packages the newer bundle holds at another version, with that version. */
	newer: Record<string, string>;
};

/**
 * A bundle of bookworm and bookworm-updates alone (`bundle create --security
 * none`), beside the lab's, which has the security archive's updates too: two
 * real PostgreSQL 15 point releases, the older one to install and the newer
 * to upgrade to. Made once per lab; the .debs both share come from the lab's
 * cache. Throws when the two hold the same PostgreSQL: there is then no minor
 * upgrade to prove.
 */
export async function pointReleaseBundle(newerBundle: string): Promise<PointRelease> {
	const file = join(seedWork, 'point-release.tar');
	if (!existsSync(file))
		await createBundle({output: file, roles: [...roleNames], arch: labArch(), security: 'none', cacheDir: join(labPaths().cacheDir, 'bundle-debs')});
	const [older, newer] = await Promise.all([readBundleManifest(file), readBundleManifest(newerBundle)]);
	const asked = [...new Set(Object.values(older.roles).flatMap(role => role?.packages ?? []))].sort();
	const versionIn = (manifest: typeof older, name: string) => manifest.packages.find(deb => deb.name === name)?.version;
	const pins = Object.fromEntries(asked.flatMap(name => (versionIn(older, name) ? [[name, versionIn(older, name)!]] : [])));
	const moved = Object.fromEntries(asked.flatMap(name => (versionIn(newer, name) && versionIn(newer, name) !== pins[name] ? [[name, versionIn(newer, name)!]] : [])));
	if (!moved['postgresql-15'])
		throw new Error(`the point release and ${newerBundle} hold the same postgresql-15 (${pins['postgresql-15']}): bookworm-security carries no newer PostgreSQL 15 today, so there is no minor upgrade to prove`);
	return {file, pins, newer: moved};
}

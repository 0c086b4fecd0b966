import {roleNames} from '../answers/schema.js';
import type {BundleManifest} from './manifest.js';

/** How many .debs a bundle holds and their bytes. */
export function bundleTotals(manifest: BundleManifest): {packages: number; bytes: number} {
	return {packages: manifest.packages.length, bytes: manifest.packages.reduce((sum, deb) => sum + deb.size, 0)};
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Bytes as apt shows them: decimal megabytes with one decimal. */
export function formatMegabytes(bytes: number): string {
	return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * What `pgha bundle show` prints: the release and architecture, when and by
 * what it was made, and for each role the packages pgha asks for (with the
 * versions the bundle holds) and how many .debs they need in all.
 */
export function describeBundle(manifest: BundleManifest, fileSize?: number): string[] {
	const byName = new Map(manifest.packages.map(deb => [deb.name, deb]));
	const {debian} = manifest;
	const lines = [
		`Debian ${debian.version} (${debian.codename})${debian.pointRelease ? `, point release ${debian.pointRelease}` : ''}, ${manifest.arch}`,
		`Made ${manifest.createdAt} by ${manifest.createdBy}`,
		'From:',
		...manifest.sources.map(source => `  ${source}`),
	];
	for (const role of roleNames) {
		const entry = manifest.roles[role];
		if (!entry) continue;
		const bytes = entry.closure.reduce((sum, name) => sum + (byName.get(name)?.size ?? 0), 0);
		lines.push(`Role ${role}: ${plural(entry.packages.length, 'package')}, ${plural(entry.closure.length, '.deb')} with their dependencies (${formatMegabytes(bytes)})`);
		for (const name of entry.packages) {
			// A package asked for may be virtual, provided by another name in the closure.
			const deb = byName.get(name);
			lines.push(`  ${name} ${deb ? deb.version : '(provided by another package)'}`);
		}
	}
	const missing = roleNames.filter(role => !manifest.roles[role]);
	if (missing.length > 0) lines.push(`No packages for: ${missing.join(', ')}`);
	const totals = bundleTotals(manifest);
	lines.push(`Total: ${totals.packages} .debs, ${formatMegabytes(totals.bytes)}${fileSize !== undefined ? ` (the file: ${formatMegabytes(fileSize)})` : ''}`);
	return lines;
}

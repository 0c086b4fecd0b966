import {createHash} from 'node:crypto';
import {Readable} from 'node:stream';
import {create as createTar} from 'tar';
import type {Answers, HostAnswers} from '../../source/answers/schema.js';
import {hasRole} from '../../source/answers/hosts.js';
import {debsForRoles, type BundleDeb} from '../../source/bundle/manifest.js';
import type {OpenedBundle} from '../../source/bundle/archive.js';
import {packagesIndexFor} from '../../source/bundle/packages-index.js';
import type {Step, StepContext} from '../kit/step.js';
import {fileStep} from '../kit/file-step.js';
import {locations} from '../kit/locations.js';
import {scriptUserStep} from '../keepalived/steps.js';
import {sshIdentitySteps} from '../pgbackrest/steps.js';
import {noMainCluster} from '../postgres/steps.js';
import {packagesFor} from '../index.js';
import {shQuote} from '../../source/transport/quote.js';
import {bundleDirOnHost, bundleInstallScript, mirrorInstallScript} from './apt-scripts.js';
import {packagesBeforeStep} from './package-record.js';

/** One package as dpkg knows it on a host. */
export type InstalledPackage = {version: string; installed: boolean};

/** What dpkg says of each package: its version and whether it is fully installed ("ii"). */
export async function installedPackages(ctx: Pick<StepContext, 'run'>, packages: readonly string[]): Promise<Map<string, InstalledPackage>> {
	const result = await ctx.run(`dpkg-query -W -f='\${Package}\\t\${Version}\\t\${db:Status-Abbrev}\\n' ${packages.join(' ')} 2>/dev/null; true`, {quiet: true, check: false});
	const found = new Map<string, InstalledPackage>();
	for (const line of result.stdout.split('\n')) {
		const [name, version, status] = line.split('\t');
		if (!name || version === undefined) continue;
		found.set(name.replace(/:[a-z0-9]+$/, ''), {version, installed: (status ?? '').startsWith('ii') && version !== ''});
	}
	return found;
}

/**
 * The version each package must have: the pin recorded with the cluster, or,
 * for a package not pinned yet, the one the bundle holds. None for an
 * unpinned package from a mirror: whatever is installed is kept.
 */
export function wantedVersions(packages: readonly string[], answers: Pick<Answers, 'packages'>, bundle?: OpenedBundle): Map<string, string> {
	const inBundle = new Map(bundle?.manifest.packages.map(deb => [deb.name, deb.version]) ?? []);
	const wanted = new Map<string, string>();
	for (const name of packages) {
		const version = answers.packages.versions?.[name] ?? inBundle.get(name);
		if (version !== undefined) wanted.set(name, version);
	}
	return wanted;
}

/** Why each package differs from what it should be, one line each; empty when none does. */
function differences(packages: readonly string[], installed: Map<string, InstalledPackage>, wanted: Map<string, string>): string[] {
	return packages.flatMap(name => {
		const have = installed.get(name);
		const want = wanted.get(name);
		if (!have?.installed) return [`${name}: not installed${want ? ` (pinned ${want})` : ''}`];
		if (want !== undefined && have.version !== want) return [`${name}: ${have.version} installed, pinned ${want}`];
		return [];
	});
}

/** The step that installs a host's packages at their pinned versions, with services held back while they install. */
export function packageInstallStep(packages: readonly string[]): Step {
	const list = packages.join(' ');
	const drift = async (ctx: StepContext) => differences(packages, await installedPackages(ctx, packages), wantedVersions(packages, ctx.answers, ctx.bundle));
	return {
		name: `packages ${list}`,
		check: async ctx => (await drift(ctx)).length === 0,
		explain: drift,
		async apply(ctx) {
			const wanted = wantedVersions(packages, ctx.answers, ctx.bundle);
			if (!ctx.bundle) {
				await ctx.run(mirrorInstallScript(packages, wanted), {timeoutMs: 900_000});
				return;
			}
			await copyBundle(ctx, ctx.bundle);
			await ctx.run(bundleInstallScript(packages, wanted), {timeoutMs: 900_000});
		},
	};
}

/**
 * Copies to the host the bundle's packages its roles need and does not
 * already have at that exact version, with an apt index, a Release file and
 * SHA256SUMS for them. The .debs travel as one tar stream on the command's
 * stdin: one round trip, no temporary file on this machine.
 */
async function copyBundle(ctx: StepContext, bundle: OpenedBundle): Promise<void> {
	const {debs, missing} = debsForRoles(bundle.manifest, ctx.host.roles);
	if (missing.length > 0) throw new Error(`the bundle ${bundle.file} lacks what roles ${ctx.host.roles.join(', ')} need: ${missing.join(', ')}`);
	const installed = await installedPackages(ctx, debs.map(deb => deb.name));
	const needed = debs.filter(deb => {
		const have = installed.get(deb.name);
		return !(have?.installed && have.version === deb.version);
	});
	const index = packagesIndexFor(bundle.packagesIndex, new Set(needed.map(deb => deb.file)));
	const dir = bundleDirOnHost;
	const bytes = needed.reduce((sum, deb) => sum + deb.size, 0);
	const note = `copying ${needed.length} of ${debs.length} packages from the bundle (${(bytes / 1e6).toFixed(1)} MB)`;
	const tar = createTar({cwd: bundle.dir, portable: true}, needed.map(deb => `debs/${deb.file}`));
	await ctx.run(`echo ${shQuote(note)}; rm -rf ${dir} && mkdir -p -m 0700 ${dir} && tar -x --no-same-owner -C ${dir} -f -`, {stdin: Readable.from(tar), timeoutMs: 900_000});
	await ctx.conn.writeFile(`${dir}/Packages`, index);
	await ctx.conn.writeFile(`${dir}/Release`, releaseFile(index));
	await ctx.conn.writeFile(`${dir}/SHA256SUMS`, sha256Sums(needed));
}

/** A Release file for the copied index, so apt checks the index's hash like any archive's. */
export function releaseFile(index: string): string {
	const size = Buffer.byteLength(index);
	const sha = createHash('sha256').update(index).digest('hex');
	return ['Origin: pgha', 'Label: pgha bundle', 'Suite: pgha', 'Codename: pgha', `Date: ${new Date().toUTCString()}`, 'SHA256:', ` ${sha} ${size} Packages`, ''].join('\n');
}

/** sha256sum -c input for the copied files. */
export function sha256Sums(debs: readonly BundleDeb[]): string {
	return debs.map(deb => `${deb.sha256}  debs/${deb.file}\n`).join('');
}

/** Packages phase: what the host had before pgha (once), the cluster marker, packages (with services held back while they install), and what each role needs before it is configured. */
export function packageSteps(host: HostAnswers, answers: Answers): Step[] {
	return [
		// Before the marker: a host that has one was installed by a pgha that kept no record.
		packagesBeforeStep,
		fileStep({path: locations.clusterMarker, owner: 'root', group: 'root', mode: 0o644, content: `${answers.cluster.name}\n`, secret: false}),
		// The repository host installs postgresql-15 too (the restore drill's throwaway server).
		...(hasRole(host, 'postgres') || hasRole(host, 'backup') ? [fileStep(noMainCluster)] : []),
		packageInstallStep(packagesFor(host)),
		...(hasRole(host, 'balancer') ? [scriptUserStep] : []),
		...(hasRole(host, 'postgres') || hasRole(host, 'backup') ? sshIdentitySteps() : []),
	];
}

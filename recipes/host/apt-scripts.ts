import {shQuote} from '../../source/transport/quote.js';

/** Seconds without a byte of progress after which a package source counts as stalled. */
export const aptStallSeconds = 30;

/**
 * A bash function, `apt_watched LABEL ARGS...`, that runs apt-get and stops it
 * when neither its output nor its partial downloads have grown for
 * aptStallSeconds, then retries (3 attempts). A stalled mirror or cache would
 * otherwise hold the phase for as long as the connection stays open. Only for
 * what downloads (update, --download-only): dpkg is never killed half way.
 */
export function aptWatchdogFunction(stallSeconds = aptStallSeconds): string {
	return `apt_watched() {
	local label=$1; shift
	local attempt=1 log pid tailpid last sig still rc
	log=$(mktemp)
	while :; do
		: > "$log"
		apt-get "$@" > "$log" 2>&1 &
		pid=$!
		tail -n +1 -f --pid=$pid "$log" &
		tailpid=$!
		still=0; last=
		while kill -0 $pid 2>/dev/null; do
			sleep 1
			sig="$(stat -c %s "$log") $(du -sb /var/lib/apt/lists/partial /var/cache/apt/archives/partial 2>/dev/null | awk '{s+=$1} END {print s}')"
			if [ "$sig" = "$last" ]; then still=$((still+1)); else still=0; last=$sig; fi
			if [ $still -ge ${stallSeconds} ]; then
				echo "pgha: $label stalled: no progress from the package source for ${stallSeconds} s; stopping it"
				kill $pid 2>/dev/null; sleep 1; kill -9 $pid 2>/dev/null
				break
			fi
		done
		rc=0; wait $pid || rc=$?
		wait $tailpid 2>/dev/null || true
		if [ $still -lt ${stallSeconds} ] && [ $rc -eq 0 ]; then rm -f "$log"; return 0; fi
		if [ $attempt -ge 3 ]; then
			rm -f "$log"
			echo "pgha: $label failed $attempt times; check the host's package source (/etc/apt/sources.list.d) or install from a bundle (pgha bundle create)"
			return 1
		fi
		attempt=$((attempt+1))
		echo "pgha: retrying $label (attempt $attempt of 3)"
		sleep 2
	done
}`;
}

/**
 * Everything an install from apt shares, mirror or bundle: services held back
 * while they install, and an install cut off earlier finished first.
 */
export function aptPrelude(): string {
	// policy-rc.d keeps etcd, PostgreSQL and the others from starting with Debian's defaults;
	// a member started that way keeps a stale data dir and never joins the cluster.
	return `set -e
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive
# An install cut off earlier (a host lost power mid-dpkg) is finished first.
dpkg --configure -a --force-confold`;
}

/** The words apt-get install takes for each package: name=version where a version is pinned. */
export function installWords(packages: readonly string[], pins: ReadonlyMap<string, string>): string[] {
	return packages.map(name => (pins.has(name) ? `${name}=${pins.get(name)}` : name));
}

/**
 * Installs from the Debian archives the host reaches. Pinned versions are
 * asked for exactly (a re-run never upgrades); one the source no longer
 * offers is named with what it does offer.
 */
export function mirrorInstallScript(packages: readonly string[], pins: ReadonlyMap<string, string>): string {
	const words = installWords(packages, pins).map(shQuote).join(' ');
	const pinned = [...pins].filter(([name]) => packages.includes(name));
	const checks = pinned
		.map(
			([name, version]) =>
				`apt-cache show ${shQuote(`${name}=${version}`)} >/dev/null 2>&1 || missing="$missing ${name} ${version} is pinned, but the package source offers $(apt-cache madison ${shQuote(name)} | awk '{print $3}' | paste -sd, - || true);"`,
		)
		.join('\n');
	return `${aptPrelude()}
${aptWatchdogFunction()}
opts='-o Acquire::http::Timeout=30 -o Acquire::Retries=3'
apt_watched 'apt-get update' $opts update -q
missing=
${checks}
if [ -n "$missing" ]; then echo "pgha:$missing use a bundle that holds the pinned versions, or change packages.versions"; exit 1; fi
apt_watched 'the package download' $opts install -y -q --download-only --no-install-recommends --allow-downgrades ${words}
apt-get $opts install -y -q --no-install-recommends --allow-downgrades -o Dpkg::Options::=--force-confold ${words}`;
}

/** Where a bundle's packages wait on a host while they install; removed afterwards. */
export const bundleDirOnHost = '/var/lib/pgha/bundle';

/**
 * Installs from the bundle files already copied to bundleDirOnHost: checks
 * each file's SHA-256 on the host, then runs apt with that directory as its
 * only source (its own lists, no cache files), so nothing is fetched from
 * anywhere and the host's own apt state is left as it was. The directory is
 * removed whatever happens.
 */
export function bundleInstallScript(packages: readonly string[], pins: ReadonlyMap<string, string>): string {
	const dir = bundleDirOnHost;
	const words = installWords(packages, pins).map(shQuote).join(' ');
	return `${aptPrelude()}
trap 'rm -f /usr/sbin/policy-rc.d; rm -rf ${dir}' EXIT
cd ${dir}
if ! bad=$(sha256sum --quiet -c SHA256SUMS 2>&1); then echo "pgha: bundle files corrupt on this host after the copy: $bad"; exit 1; fi
printf 'deb [trusted=yes] file:${dir} ./\\n' > sources.list
mkdir -p lists/partial empty
opts="-o Dir::Etc::SourceList=${dir}/sources.list -o Dir::Etc::SourceParts=${dir}/empty -o Dir::State::Lists=${dir}/lists -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Acquire::Languages=none"
apt-get $opts update -q
apt-get $opts install -y -q --no-install-recommends --allow-downgrades -o Dpkg::Options::=--force-confold ${words}`;
}

/**
 * Asks apt, with the bundle's index (on stdin) as its only source and the
 * host's own installed packages, whether the install would work, changing
 * nothing: a simulation in a private directory, removed at once. Prints
 * apt's complaint and exits non-zero when it would not.
 */
export function bundleSimulationScript(packages: readonly string[], pins: ReadonlyMap<string, string>, options: {show?: boolean} = {}): string {
	const words = installWords(packages, pins).map(shQuote).join(' ');
	return `set -e
d=$(mktemp -d /tmp/pgha-bundle-check.XXXXXX)
trap 'rm -rf "$d"' EXIT
cat > "$d/Packages"
printf 'deb [trusted=yes] file:%s ./\\n' "$d" > "$d/sources.list"
mkdir -p "$d/lists/partial" "$d/empty"
opts="-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=$d/empty -o Dir::State::Lists=$d/lists -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Acquire::Languages=none -o Debug::NoLocking=1"
if ! out=$(apt-get $opts update -q 2>&1); then echo "apt cannot read the bundle's index: $out"; exit 1; fi
if ! out=$(apt-get $opts -s install -y -q --no-install-recommends --allow-downgrades ${words} 2>&1); then
	echo "$out" | grep -E '^(E: | )' | grep -v '^ *$' | head -n 12
	exit 1
fi${options.show ? `
echo "$out" | grep '^Inst ' || true` : ''}`;
}

/**
 * Asks apt, with the host's own package sources (their indexes refreshed
 * just before), what installing the packages at these versions would change,
 * changing nothing: apt's "Inst" lines, or its complaint and a non-zero exit.
 */
export function mirrorSimulationScript(packages: readonly string[], pins: ReadonlyMap<string, string>): string {
	const words = installWords(packages, pins).map(shQuote).join(' ');
	return `if ! out=$(apt-get -o Debug::NoLocking=1 -s install -y -q --no-install-recommends --allow-downgrades ${words} 2>&1); then
	echo "$out" | grep -E '^(E: | )' | grep -v '^ *$' | head -n 12
	exit 1
fi
echo "$out" | grep '^Inst ' || true`;
}

/** apt's simulated "Inst NAME [OLD] (NEW ...)" lines as package changes; a package new to the host has no OLD. Pure. */
export function parseSimulatedInstalls(text: string): Array<{name: string; from?: string; to: string}> {
	return text.split('\n').flatMap(line => {
		const m = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+)/.exec(line);
		return m ? [{name: m[1]!.replace(/:[a-z0-9]+$/, ''), ...(m[2] ? {from: m[2]} : {}), to: m[3]!}] : [];
	});
}

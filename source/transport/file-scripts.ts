import {shQuote} from './quote.js';

/**
 * Who is trusted and where the walk starts. Production uses root and `/`;
 * the unit tests pass their own uid and a temporary directory so the very
 * same script runs unprivileged.
 */
export type FileScriptOptions = {trustedUid?: number; top?: string};

/** How the read script ends when it has nothing to show. */
export const readExit = {missing: 3, notPlain: 4} as const;

// The body runs under `bash -c` with its own text as $1, so it can run itself
// again as another user. Arguments: self, op (write|read), path, owner, group,
// mode, trusted uid, top. The content to write arrives on stdin.
//
// The walk from `top` to the file's directory decides who acts:
// - a directory only the trusted user (root) can change: root acts there;
// - a directory owned by the file's owner (for a read: by whoever owns it) and
//   writable by no one else: the rest runs as that user (runuser), so a link
//   they plant can only redirect a write they could make themselves;
// - anything else (another user's directory, a group- or world-writable one)
//   is refused.
// A symbolic link on the way is followed only when root made it in a directory
// only root can change (Debian's /var/run -> /run); any other link is refused.
// Missing directories are made one at a time with mkdir, which fails rather
// than follow a link that appears at that name.
const body = `set -euo pipefail
self=$1 op=$2 path=$3 owner=$4 group=$5 fmode=$6 trusted=$7 top=$8
die() { echo "pgha: $*" >&2; exit 5; }
me=$(id -u)
topc=\${top%/}
case $path in /*) ;; *) die "$path is not an absolute path" ;; esac
dir=\${path%/*} base=\${path##*/}
case $base in '' | . | ..) die "$path does not name a file" ;; esac
case "$dir/" in "$topc/"*) ;; *) die "$path is outside $top" ;; esac
if [ "$op" = write ]; then owner_uid=$(id -u -- "$owner") || die "no user $owner for $path"; else owner_uid=; fi
# A read ends quietly (nothing to show); a write stops with the reason.
refuse() { if [ "$op" = read ]; then exit 4; fi; die "$*"; }
# Who may change what is in $cur: returns when we may act here, runs the rest as the directory's owner, or refuses.
check() {
	local at=\${cur:-/} uid gid perm user
	read -r uid gid perm user < <(stat -c '%u %g %a %U' -- "$at")
	local gw=$(( 8#$perm & 8#020 )) ow=$(( 8#$perm & 8#002 ))
	only_root=0
	if [ "$uid" = "$trusted" ] && { [ "$gw" = 0 ] || [ "$gid" = 0 ]; } && [ "$ow" = 0 ]; then only_root=1; return 0; fi
	if [ "$gw" = 0 ] && [ "$ow" = 0 ] && [ "$uid" != 0 ] && { [ -z "$owner_uid" ] || [ "$uid" = "$owner_uid" ]; }; then
		[ "$me" != "$uid" ] || return 0
		if [ "$me" = "$trusted" ]; then
			cd /
			[ "$op" = write ] || owner=$user
			exec runuser -u "$user" -- bash -c "$self" pgha-file "$self" "$op" "$path" "$owner" "$group" "$fmode" "$trusted" "$at"
		fi
	fi
	local who="root or by $owner"
	[ "$owner_uid" != 0 ] || who=root
	refuse "refusing to write $path: $at belongs to $user (uid $uid, mode $perm), who could redirect the write; pgha writes a file owned by $owner only in directories owned by $who and writable by no one else. Change the owner or mode of $at"
}
cur=$topc
check
todo=\${dir#"$topc"}
todo=\${todo#/}
hops=0
while [ -n "$todo" ]; do
	part=\${todo%%/*}
	if [ "$part" = "$todo" ]; then todo=; else todo=\${todo#*/}; fi
	case $part in
	'' | .) continue ;;
	..)
		[ "$cur" != "$topc" ] || die "$path leads outside $top"
		cur=\${cur%/*}
		check
		continue
		;;
	esac
	next=$cur/$part
	if [ -L "$next" ]; then
		[ "$only_root" = 1 ] && [ "$(stat -c %u -- "$next")" = "$trusted" ] || refuse "$next is a symbolic link that pgha will not follow to reach $path; replace it with a real directory"
		hops=$((hops + 1))
		[ "$hops" -le 16 ] || die "too many symbolic links on the way to $path"
		target=$(readlink -- "$next")
		case $target in
		/*)
			case "$target/" in "$topc/"*) ;; *) die "$next points outside $top" ;; esac
			cur=$topc
			target=\${target#"$topc"}
			target=\${target#/}
			check
			;;
		esac
		todo=$target\${todo:+/$todo}
		continue
	fi
	if [ ! -e "$next" ]; then
		[ "$op" = write ] || exit 3
		# Another write may make it at the same moment (two phases of one host side by side): a directory there then is no failure.
		mkdir -m 755 -- "$next" 2>/dev/null || { [ ! -L "$next" ] && [ -d "$next" ]; } || die "cannot make the directory $next for $path"
	fi
	[ -d "$next" ] || die "$next is not a directory, so $path cannot be there"
	cur=$next
	check
done
file=$cur/$base
if [ "$op" = read ]; then
	[ ! -L "$file" ] || exit 4
	[ -e "$file" ] || exit 3
	[ -f "$file" ] || exit 4
	exec cat -- "$file"
fi
if [ ! -L "$file" ] && [ -d "$file" ]; then die "$path is a directory"; fi
# mktemp creates the file itself (O_EXCL, mode 600): a link planted at any name cannot receive the content.
tmp=$(mktemp -- "$cur/.$base.pgha-XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat >"$tmp"
if [ "$me" = "$trusted" ]; then
	chown -h -- "$owner:$group" "$tmp"
elif [ "$(stat -c %G -- "$tmp")" != "$group" ]; then
	chgrp -h -- "$group" "$tmp"
fi
chmod -- "$fmode" "$tmp"
# -T: a link at the destination is replaced, never followed.
mv -fT -- "$tmp" "$file"
trap - EXIT
`;

function script(op: 'write' | 'read', path: string, owner: string, group: string, mode: string, options: FileScriptOptions): string {
	const args = [op, path, owner, group, mode, String(options.trustedUid ?? 0), options.top ?? '/'].map(shQuote).join(' ');
	return `body=${shQuote(body)}; exec bash -c "$body" pgha-file "$body" ${args}`;
}

/**
 * A bash script that writes stdin to `path` with owner, group and mode, never
 * following a symbolic link an unprivileged user could have planted: in the
 * directory, at the file's name or at the temporary name (see the walk above).
 */
export function writeFileScript(path: string, owner: string, group: string, mode: number, options: FileScriptOptions = {}): string {
	return script('write', path, owner, group, mode.toString(8), options);
}

/**
 * A bash script that prints the file at `path`, or exits with
 * readExit.missing, or readExit.notPlain when it is a symbolic link (or its
 * way leads through one an unprivileged user could have planted) or not a
 * regular file: it never reads through such a link.
 */
export function readFileScript(path: string, options: FileScriptOptions = {}): string {
	return script('read', path, '-', '-', '0', options);
}

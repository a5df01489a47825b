#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's linux-source-7.3, verify it against the pinned sha256
# sums and turn it into the base repository $CACHE/base.git with the tag
# $BASE_TAG. The base commit is made with fixed identities and dates, so
# its hash (the series' base-commit) is the same on every machine.
. "$(dirname "$0")/lib.sh"
wb_enter base
. "$TOP/config/base.env"

need_root "the base tree"
base_git=$CACHE/base.git
# Reused only when it was made from the tarball config/base.env pins.
reusable() {
	git --git-dir="$base_git" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 &&
		[ "$(git --git-dir="$base_git" config wb.tarball-sha256 2>/dev/null)" = "$BASE_TARBALL_SHA256" ]
}
if reusable; then
	log "base: reusing $base_git ($BASE_TAG, tarball sha256 $BASE_TARBALL_SHA256)"
	exit 0
fi
mkdir -p "$CACHE"
exec 7>>"$CACHE/setup.lock"
if ! flock -n 7; then
	log "base: another run is setting up; waiting for it"
	flock 7
fi
# Another run may have made it meanwhile.
reusable && { log "base: reusing $base_git ($BASE_TAG)"; exit 0; }
[ ! -d "$base_git" ] ||
	log "base: $base_git was not made from the pinned tarball (sha256 $BASE_TARBALL_SHA256); making it anew"

need_host_tool curl
need_host_tool dpkg-deb dpkg
need_host_tool xz xz-utils
need_disk "$CACHE" 4
dl=$CACHE/downloads
mkdir -p "$dl"
deb=$dl/$BASE_DEB

if [ ! -f "$deb" ]; then
	log "base: downloading $BASE_DEB_URL"
	run curl -fsSL --retry 3 --connect-timeout 30 --speed-time 60 --speed-limit 1024 \
		-o "$deb.part" "$BASE_DEB_URL" ||
		die "download of $BASE_PKG $BASE_PKG_VERSION failed (mirror unreachable or version gone); fetch $BASE_DEB by hand into $dl or fix config/base.env"
	mv "$deb.part" "$deb"
fi
got=$(sha256_of "$deb")
if [ "$got" != "$BASE_DEB_SHA256" ]; then
	mv "$deb" "$deb.bad"
	die "$BASE_DEB has sha256 $got, expected $BASE_DEB_SHA256 (config/base.env); moved it to $deb.bad, run again to download it anew"
fi

work=$(mktemp -d "$CACHE/base-XXXXXX")
at_exit 'rm -rf "$work"'
log "base: extracting $BASE_TARBALL"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" "./$BASE_TARBALL" ||
	die "$BASE_DEB does not contain $BASE_TARBALL"
got=$(sha256_of "$work/$BASE_TARBALL")
[ "$got" = "$BASE_TARBALL_SHA256" ] ||
	die "$BASE_TARBALL has sha256 $got, expected $BASE_TARBALL_SHA256"
mkdir "$work/src"
tar -xJf "$work/$BASE_TARBALL" -C "$work/src" --strip-components=1
rm "$work/$BASE_TARBALL"

# Debian appends "/*" and "!/debian/" to the top-level .gitignore, which
# hides every new file from git. Restore upstream's rules.
sed -i '/^# Debian packaging: ignore everything at the top level/,$d' "$work/src/.gitignore"
while tail -n1 "$work/src/.gitignore" | grep -qx '#\?'; do
	sed -i '$d' "$work/src/.gitignore"
done

log "base: committing the base tree"
rm -rf "$base_git.new"
git init -q --bare "$base_git.new"
git --git-dir="$base_git.new" config gc.auto 0
git --git-dir="$base_git.new" config maintenance.auto false
export GIT_DIR=$base_git.new GIT_WORK_TREE=$work/src
export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="linux-source@invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2026-11-15T22:30:00Z" GIT_COMMITTER_DATE="2026-11-15T22:30:00Z"
git add -A -f
git commit -q -m "Linux 7.3.4 from Debian $BASE_PKG $BASE_PKG_VERSION

$BASE_TARBALL sha256 $BASE_TARBALL_SHA256,
with Debian's ignore-everything rules dropped from .gitignore."
git tag "$BASE_TAG"
git config wb.tarball-sha256 "$BASE_TARBALL_SHA256"
unset GIT_DIR GIT_WORK_TREE
rm -rf "$base_git"
mv "$base_git.new" "$base_git"
log "base: $BASE_TAG = $(git --git-dir="$base_git" rev-parse "$BASE_TAG")"

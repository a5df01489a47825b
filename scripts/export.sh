#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits on top of the base into patches/ (or
# into the directory given as $1) as format-patch output with a cover
# letter. The output depends only on the commits and the branch
# description (the cover letter), so exporting an unchanged series
# changes nothing. --allow-dirty exports the commits of a work tree that
# also has uncommitted changes (tree.sh compares them with patches/).
. "$(dirname "$0")/lib.sh"
wb_enter export
. "$TOP/config/base.env"

allow_dirty=0
[ "${1:-}" != --allow-dirty ] || { allow_dirty=1; shift; }
dest=${1:-$TOP/patches}
[ -d "$LINUX/.git" ] || die "no work tree at $LINUX; run 'make tree' first"
[ $allow_dirty = 1 ] || git -C "$LINUX" diff --quiet HEAD ||
	die "$LINUX has uncommitted changes; commit them (git commit --amend or a fixup) before exporting"
branch=$(git -C "$LINUX" symbolic-ref --short HEAD) ||
	die "$LINUX is not on a branch"
[ -n "$(git -C "$LINUX" config "branch.$branch.description")" ] ||
	die "no cover letter: set one with 'git -C linux branch --edit-description'"

git -C "$LINUX" merge-base --is-ancestor "$BASE_TAG" HEAD ||
	die "$LINUX's HEAD is not built on $BASE_TAG; check out the branch 'series'"
[ "$(git -C "$LINUX" rev-list --count "$BASE_TAG..HEAD")" -gt 0 ] ||
	die "$LINUX has no commits on top of $BASE_TAG; refusing to export an empty series over patches/"

mkdir -p "$OUT"
tmp=$(mktemp -d -p "$OUT" export-XXXXXX)
at_exit 'rm -rf "$tmp"'
git -C "$LINUX" -c core.abbrev=12 format-patch -q --cover-letter \
	--cover-from-description=subject --zero-commit --base="$BASE_TAG" \
	--no-signature -o "$tmp" "$BASE_TAG..HEAD"
cover=$(ls "$tmp"/0000-cover-letter.patch)
in_chroot python3 "$TOP/scripts/series.py" fixdate "$cover" \
	"$(git -C "$LINUX" log -1 --format=%aD HEAD)"

mkdir -p "$dest"
if diff -qr "$tmp" "$dest" >/dev/null 2>&1; then
	log "export: $dest is up to date"
	exit 0
fi
rm -f "$dest"/*.patch
cp "$tmp"/*.patch "$dest"/
log "export: wrote $(ls "$tmp" | wc -l) files to $dest"

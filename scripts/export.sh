#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits on top of the base into patches/ (or
# into the directory given as $1), one directory a part as
# patches/parts lists them, each 'git format-patch --cover-letter'
# output against the base:
# - a part that needs exactly the parts before it is exported as linux/
#   holds it;
# - a part that needs fewer is first replayed onto the base and the parts
#   it needs (scripts/replay.sh; it must apply there), so that it is sent
#   as it applies on its own;
# - --base records base-commit and, for each patch of the parts it needs,
#   a prerequisite-patch-id, as b4 does.
# A cover letter's subject and text are those of the part's cover letter
# in patches/ (edit them there); the rest of it is written anew. The
# output depends only on the commits and those texts, so exporting an
# unchanged series changes nothing. --allow-dirty exports the commits of
# a work tree that also has uncommitted changes (tree.sh compares them
# with patches/).
. "$(dirname "$0")/lib.sh"
wb_enter export
. "$TOP/config/base.env"

allow_dirty=0
[ "${1:-}" != --allow-dirty ] || { allow_dirty=1; shift; }
dest=${1:-$TOP/patches}
[ -d "$LINUX/.git" ] || die "no work tree at $LINUX; run 'make tree' first"
[ $allow_dirty = 1 ] || git -C "$LINUX" diff --quiet HEAD ||
	die "$LINUX has uncommitted changes; commit them (git commit --amend or a fixup) before exporting"
git -C "$LINUX" merge-base --is-ancestor "$BASE_TAG" HEAD ||
	die "$LINUX's HEAD is not built on $BASE_TAG; check out the branch 'series'"
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] ||
	die "$LINUX has no commits on top of $BASE_TAG; refusing to export an empty series over patches/"
parts_load
total=0
for i in "${!PART_DIR[@]}"; do total=$((total + PART_COUNT[i])); done
[ "$total" = ${#commits[@]} ] ||
	die "$LINUX has ${#commits[@]} commits on $BASE_TAG, the parts of patches/parts hold $total; after adding or dropping a patch, set the part's number of patches there"

mkdir -p "$OUT"
tmp=$(mktemp -d -p "$OUT" export-XXXXXX)
at_exit 'rm -rf "$tmp"'
base=$(git -C "$LINUX" rev-parse "$BASE_TAG^{commit}")
declare -A first last
start=0
for i in "${!PART_DIR[@]}"; do
	dir=${PART_DIR[$i]}
	first[$dir]=$start
	last[$dir]=$((start + PART_COUNT[i] - 1))
	part=("${commits[@]:$start:${PART_COUNT[$i]}}")
	start=$((start + PART_COUNT[i]))
	if part_is_linear "$i"; then
		from=$base
		[ "$i" = 0 ] || from=${commits[$((first[$dir] - 1))]}
		to=${part[-1]}
	else
		# The base, the parts it needs, then the part itself.
		from=$base
		for d in ${PART_NEEDS[$i]}; do
			from=$(in_chroot "$TOP/scripts/replay.sh" "$LINUX" "$from" \
				"${commits[@]:${first[$d]}:$((last[$d] - first[$d] + 1))}") ||
				die "part $d does not apply to $BASE_TAG with only the parts it needs; see the error above"
		done
		to=$(in_chroot "$TOP/scripts/replay.sh" "$LINUX" "$from" "${part[@]}") ||
			die "part $dir does not apply to $BASE_TAG with only the parts it needs (${PART_NEEDS[$i]:-none}); see the error above, and patches/parts"
	fi
	cover=$TOP/patches/$dir/0000-cover-letter.patch
	[ -f "$cover" ] ||
		die "part $dir has no cover letter: write $cover (a Subject: header, an empty line, the text)"
	# "PATCH RFC", as b4 writes it (git's --rfc would put RFC first).
	rfc=()
	[ "${PART_PREFIX[$i]}" != RFC ] || rfc=(--subject-prefix="PATCH RFC")
	git -C "$LINUX" -c core.abbrev=12 format-patch -q --cover-letter "${rfc[@]}" \
		--zero-commit --base="$base" --no-signature -o "$tmp/$dir" "$from..$to"
	in_chroot python3 "$TOP/scripts/series.py" cover "$tmp/$dir/0000-cover-letter.patch" \
		"$cover" "$(git -C "$LINUX" log -1 --format=%aD "$to")"
done
cp "$TOP/patches/parts" "$tmp/parts"

mkdir -p "$dest"
if diff -qr "$tmp" "$dest" >/dev/null 2>&1; then
	log "export: $dest is up to date"
	exit 0
fi
# What an earlier export wrote: the patches of every part directory.
rm -f "$dest"/*.patch "$dest"/[0-9]*-*/*.patch
rmdir "$dest"/[0-9]*-*/ 2>/dev/null || true
cp -r "$tmp"/. "$dest"/
log "export: wrote ${#PART_DIR[@]} parts, ${#commits[@]} patches, to $dest"

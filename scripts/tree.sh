#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Assemble the kernel work tree linux/: the base tag with patches/
# applied by 'git am' on the branch "series". An existing work tree is
# brought up to date when patches/ changed, but never at the cost of
# work that is not exported yet.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"

base_git=$CACHE/base.git
git --git-dir="$base_git" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 ||
	die "no base repository at $base_git; run 'make base' first"

mapfile -t series < <(ls "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null |
	grep -v '/0000-cover-letter.patch$' || true)
cover=$TOP/patches/0000-cover-letter.patch
phash=$({ echo "$BASE_TAG"; cat "$TOP"/patches/*.patch 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)
state=$LINUX/.git/wb-state

apply_series() {
	git -C "$LINUX" checkout -q -B series "$BASE_TAG"
	git -C "$LINUX" reset -q --hard "$BASE_TAG"
	local p
	for p in "${series[@]}"; do
		if ! git -C "$LINUX" am -q --whitespace=nowarn "$p" >"$OUT/logs/git-am.log" 2>&1; then
			git -C "$LINUX" am --abort >/dev/null 2>&1 || true
			# Leave the bare base, not half a series, and no state, so
			# that the next 'make tree' tries again.
			git -C "$LINUX" reset -q --hard "$BASE_TAG"
			rm -f "$state"
			cat "$OUT/logs/git-am.log" >&2
			die "$(basename "$p") does not apply to $BASE_TAG; see above (linux/ is reset to the base)"
		fi
	done
	git -C "$LINUX" config --unset branch.series.description || true
	if [ -f "$cover" ]; then
		local desc
		desc=$(in_chroot python3 "$TOP/scripts/series.py" description "$cover") ||
			die "cannot read the cover letter $cover"
		git -C "$LINUX" config branch.series.description "$desc"
	fi
	echo "$phash $(git -C "$LINUX" rev-parse HEAD)" >"$state"
	log "tree: $LINUX = $BASE_TAG + ${#series[@]} patches"
}

mkdir -p "$OUT/logs"
if [ ! -d "$LINUX/.git" ]; then
	log "tree: cloning $BASE_TAG into $LINUX"
	git clone -q --no-checkout "$base_git" "$LINUX"
	git -C "$LINUX" config user.name "KVM PPC MCE workbench"
	git -C "$LINUX" config user.email "workbench@invalid"
	apply_series
	exit 0
fi

git -C "$LINUX" diff --quiet HEAD ||
	die "$LINUX has uncommitted changes; commit and 'make export' them, or discard them, before 'make tree'"
head=$(git -C "$LINUX" rev-parse HEAD)
read -r old_hash old_head <"$state" 2>/dev/null || old_hash="" old_head=""

if [ "$head" != "$old_head" ]; then
	# Commits made in the work tree: fine if they are what patches/ holds.
	tmp=$(mktemp -d -p "$OUT" tree-XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	"$TOP/scripts/export.sh" "$tmp" 2>/dev/null || true
	if diff -qr "$tmp" "$TOP/patches" >/dev/null 2>&1; then
		echo "$phash $head" >"$state"
		log "tree: $LINUX matches patches/"
		exit 0
	fi
	die "$LINUX has commits that are not in patches/; run 'make export' (and commit patches/) first, or move linux/ away to start over"
fi
if [ "$phash" = "$old_hash" ]; then
	log "tree: $LINUX is up to date with patches/"
	exit 0
fi
log "tree: patches/ changed, re-applying the series"
apply_series

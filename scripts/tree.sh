#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Assemble the kernel work tree linux/: the base tag with the parts of
# patches/ applied by 'git am' on the branch "series", in the order
# patches/parts gives.
#   tree.sh          for building and booting what linux/ holds: when it
#                    has uncommitted edits or commits that patches/ does
#                    not hold, warn and leave it as it is
#   tree.sh --strict for 'make check': linux/ must be exactly patches/
# Either way a work tree without work of its own is brought up to date
# when patches/ changed (after a 'git pull', say); work that is not
# exported is never overwritten.
. "$(dirname "$0")/lib.sh"
wb_enter tree
. "$TOP/config/base.env"

strict=0
[ "${1:-}" != --strict ] || strict=1
base_git=$CACHE/base.git
git --git-dir="$base_git" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 ||
	die "no base repository at $base_git; run 'make base' first"

parts_series
series=("${SERIES[@]}")
phash=$({ echo "$BASE_TAG"; cat "$TOP/patches/parts" "$TOP"/patches/*/*.patch; } | sha256sum | cut -d' ' -f1)
state=$LINUX/.git/wb-state

apply_series() {
	git -C "$LINUX" checkout -q -B series "$BASE_TAG"
	git -C "$LINUX" reset -q --hard "$BASE_TAG"
	local p
	for p in "${series[@]}"; do
		if ! git -C "$LINUX" am -q --whitespace=nowarn "$p" >"$LOGS/git-am.log" 2>&1; then
			git -C "$LINUX" am --abort >/dev/null 2>&1 || true
			# Leave the bare base, not half a series, and no state, so
			# that the next 'make tree' tries again.
			git -C "$LINUX" reset -q --hard "$BASE_TAG"
			rm -f "$state"
			cat "$LOGS/git-am.log" >&2
			die "${p#"$TOP"/} does not apply to $BASE_TAG and the patches before it; see $LOGS/git-am.log (linux/ is reset to the base)"
		fi
	done
	echo "$phash $(git -C "$LINUX" rev-parse HEAD)" >"$state"
	log "tree: $LINUX = $BASE_TAG + ${#series[@]} patches in ${#PART_DIR[@]} parts"
}

mkdir -p "$LOGS"
if [ ! -d "$LINUX/.git" ]; then
	log "tree: cloning $BASE_TAG into $LINUX"
	git clone -q --no-checkout "$base_git" "$LINUX"
	git -C "$LINUX" config user.name "KVM PPC MCE workbench"
	git -C "$LINUX" config user.email "workbench@invalid"
	no_auto_gc "$LINUX"
	apply_series
	# A new work tree's files all date from now, newer than any object
	# built from the same content before: a build that starts from the
	# cache's snapshot of its row (build.sh) would compile everything
	# again. Nothing here was built from any other content of linux/ (no
	# object directory exists), so the files can be dated back safely; a
	# file changed later is newer than its objects, as kbuild expects.
	if ! ls "$OUT"/build-*/.config >/dev/null 2>&1; then
		find "$LINUX" -path "$LINUX/.git" -prune -o -exec touch -h -d @946684800 {} +
		git -C "$LINUX" update-index -q --refresh >/dev/null || true
		: >"$LINUX/.git/wb-dated-back"
	fi
	exit 0
fi

no_auto_gc "$LINUX"
head=$(git -C "$LINUX" rev-parse HEAD)
read -r old_hash old_head <"$state" 2>/dev/null || old_hash="" old_head=""
dirty=$(git -C "$LINUX" status --porcelain --untracked-files=normal | awk 'NR <= 5')

# Commits made in the work tree: fine if they are what patches/ holds.
unexported=0
if [ "$head" != "$old_head" ]; then
	tmp=$(mktemp -d -p "$OUT" tree-XXXXXX)
	at_exit 'rm -rf "$tmp"'
	if "$TOP/scripts/export.sh" --allow-dirty "$tmp" >/dev/null 2>&1 &&
		diff -qr "$tmp" "$TOP/patches" >/dev/null 2>&1; then
		echo "$phash $head" >"$state"
		old_hash=$phash old_head=$head
	else
		unexported=1
	fi
fi

if [ -n "$dirty" ] || [ $unexported = 1 ]; then
	why=""
	[ -z "$dirty" ] || why="uncommitted changes ($(tr '\n' ' ' <<<"$dirty" | sed 's/  */ /g; s/ $//'))"
	[ $unexported = 0 ] || why="${why:+$why and }commits that patches/ does not hold"
	[ $strict = 0 ] ||
		die "$LINUX has $why; 'make check' tests patches/ only: commit and 'make export' (then commit patches/), or discard them"
	log "tree: WARNING: $LINUX differs from patches/: $why"
	[ "$phash" = "$old_hash" ] ||
		log "tree: WARNING: patches/ changed too; it is not applied over your work"
	log "tree: building linux/ as it is; 'make check' will refuse it until it is exported"
	exit 0
fi
if [ "$phash" = "$old_hash" ]; then
	log "tree: $LINUX is up to date with patches/"
	exit 0
fi
log "tree: patches/ changed, re-applying the series"
apply_series
